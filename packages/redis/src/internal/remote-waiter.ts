// The local side of a waiter queued in Redis: its promise, deadline timer and abort listener. Isolated so that it
// can move onto core's shared wait list without touching the bulkhead.
import type { RedisPermit } from '../redis-permit.js';

/** `sending`: the acquire script is in flight; `queued`: waiting in Redis; `done`: settled. */
export type WaiterState = 'sending' | 'queued' | 'done';

/** One call waiting for a permit of the cluster. */
export class RemoteWaiter {
  state: WaiterState = 'sending';
  /** A grant that arrived (pub/sub) before the acquire script answered. */
  grantedToken: number | undefined = undefined;
  readonly promise: Promise<RedisPermit>;
  #resolve!: (permit: RedisPermit) => void;
  #reject!: (error: unknown) => void;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #onAbort: (() => void) | undefined = undefined;

  constructor(
    readonly id: string,
    readonly enqueuedAt: number,
    readonly signal: AbortSignal | undefined,
  ) {
    this.promise = new Promise<RedisPermit>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Starts the local deadline (finite `timeout`) and the abort listener. */
  arm(
    timeout: number,
    onTimeout: (waiter: RemoteWaiter) => void,
    onAbort: (waiter: RemoteWaiter) => void,
  ): void {
    if (Number.isFinite(timeout)) this.#timer = setTimeout(() => onTimeout(this), timeout);
    if (this.signal !== undefined) {
      this.#onAbort = () => onAbort(this);
      this.signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** Settles with a permit (once). */
  resolve(permit: RedisPermit): void {
    this.#settle();
    this.#resolve(permit);
  }

  /** Settles with an error (once). */
  reject(error: unknown): void {
    this.#settle();
    this.#reject(error);
  }

  #settle(): void {
    this.state = 'done';
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onAbort !== undefined) this.signal?.removeEventListener('abort', this.#onAbort);
  }
}
