import type { IdleList, IdleNode } from './idle-list.js';

/** Longest delay `setTimeout` honours. */
const MAX_TIMER_DELAY = 2_147_483_647;
/** Sweeps per idle timeout; a node is evicted at the third sweep after it became idle. */
const SWEEPS_PER_TIMEOUT = 2;
const SWEEPS_BEFORE_EVICTION = SWEEPS_PER_TIMEOUT + 1;

/**
 * Evicts the nodes of an `IdleList` that stayed idle for `idleTimeout` ms, with one unref'd timer (never
 * one per key) that ticks every `idleTimeout / 2` while some node is idle. Nodes are stamped with the sweep
 * count instead of a clock reading (no `performance.now()` per release), so a node is evicted between
 * `idleTimeout` and `1.5 × idleTimeout` after it became idle. A node used again simply leaves the list.
 */
export class IdleSweeper<Node extends IdleNode> {
  readonly #list: IdleList<Node>;
  readonly #interval: number;
  readonly #evict: (node: Node) => void;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #sweeps = 0;

  constructor(list: IdleList<Node>, idleTimeout: number, evict: (node: Node) => void) {
    this.#list = list;
    this.#interval =
      idleTimeout === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : Math.min(MAX_TIMER_DELAY, Math.max(1, Math.ceil(idleTimeout / SWEEPS_PER_TIMEOUT)));
    this.#evict = evict;
  }

  /** The stamp of a node that becomes idle now (sweeps done so far). */
  get stamp(): number {
    return this.#sweeps;
  }

  /** True while the timer is armed. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** Call after a node joined the list: arms the timer unless it is armed already. */
  schedule(): void {
    if (this.#timer !== undefined || this.#interval === Number.POSITIVE_INFINITY || this.#list.size === 0)
      return;
    this.#timer = setTimeout(this.#sweep, this.#interval);
    this.#timer.unref?.();
  }

  /** Drops the timer (the bulkhead closed). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    const sweeps = ++this.#sweeps;
    for (let oldest = this.#list.oldest; oldest !== undefined; oldest = this.#list.oldest) {
      if (oldest.idleSince + SWEEPS_BEFORE_EVICTION > sweeps) break;
      this.#list.remove(oldest);
      this.#evict(oldest);
    }
    this.schedule();
  };
}
