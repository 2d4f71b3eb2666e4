// The local side of a waiter queued in Redis: a core `WaitEntry` (its `WaitList` owns the deadline timer and
// the abort listener) with the promise of the call and where the acquire script stands.
import { WaitEntry } from '@x/bulkhead-core/extension';
import type { RedisPermit } from '../redis-permit.js';

/** `sending`: the acquire script is in flight; `queued`: waiting in Redis; `done`: settled. */
export type WaiterState = 'sending' | 'queued' | 'done';

/** One call of this process waiting for a permit of the cluster. */
export class RemoteWaiter extends WaitEntry {
  state: WaiterState = 'sending';
  /** A grant that arrived (pub/sub) before the acquire script answered. */
  grantedToken: number | undefined = undefined;
  readonly promise: Promise<RedisPermit>;
  #resolve!: (permit: RedisPermit) => void;
  #reject!: (error: unknown) => void;

  constructor(
    readonly id: string,
    signal: AbortSignal | undefined,
    enqueuedAt: number,
  ) {
    super(signal, enqueuedAt);
    this.promise = new Promise<RedisPermit>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The waiter may settle (deadline, abort, close) before the caller holds this promise (the acquire script
    // is still in flight): a branch that handles it keeps that from counting as an unhandled rejection.
    this.promise.catch(() => {});
  }

  /** Settles with a permit. */
  resolve(permit: RedisPermit): void {
    this.state = 'done';
    this.#resolve(permit);
  }

  /** Settles with an error. */
  reject(error: unknown): void {
    this.state = 'done';
    this.#reject(error);
  }
}
