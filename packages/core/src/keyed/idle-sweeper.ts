import { now } from '../internal/clock.js';
import type { IdleList, IdleNode } from './idle-list.js';

/** Longest delay `setTimeout` honours. */
const MAX_TIMER_DELAY = 2_147_483_647;

/**
 * Evicts the nodes of an `IdleList` that stayed idle for `idleTimeout` ms, with one unref'd timer armed
 * for the oldest node only (never one timer per key). A node used again simply leaves the list.
 */
export class IdleSweeper<Node extends IdleNode> {
  readonly #list: IdleList<Node>;
  readonly #idleTimeout: number;
  readonly #evict: (node: Node) => void;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(list: IdleList<Node>, idleTimeout: number, evict: (node: Node) => void) {
    this.#list = list;
    this.#idleTimeout = idleTimeout;
    this.#evict = evict;
  }

  /** True while the timer is armed. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** Call after a node joined the list: arms the timer unless it is armed already. */
  schedule(): void {
    if (this.#timer !== undefined || this.#idleTimeout === Number.POSITIVE_INFINITY) return;
    const oldest = this.#list.oldest;
    if (oldest === undefined) return;
    const delay = Math.min(MAX_TIMER_DELAY, Math.max(0, oldest.idleSince + this.#idleTimeout - now()));
    this.#timer = setTimeout(this.#sweep, delay);
    this.#timer.unref?.();
  }

  /** Drops the timer (the bulkhead closed). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    const current = now();
    for (let oldest = this.#list.oldest; oldest !== undefined; oldest = this.#list.oldest) {
      if (oldest.idleSince + this.#idleTimeout > current) break;
      this.#list.remove(oldest);
      this.#evict(oldest);
    }
    this.schedule();
  };
}
