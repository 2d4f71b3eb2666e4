import type { CallOutcome, ExecutionContext, Permit } from '@x/bulkhead-core';

/** How a call was admitted: by Redis, by the local fallback (`onUnavailable: 'local'`), or let through (`'allow'`). */
export type Admission = 'cluster' | 'local' | 'allowed';

/** A permit of a `RedisBulkhead`: a lease in Redis (or a local admission while Redis is unavailable). */
export interface RedisPermit extends Permit {
  /** Strictly increasing per compartment with each grant; `undefined` when not admitted by Redis. */
  readonly fencingToken: number | undefined;
  /** Aborts with a `BulkheadLeaseLostError` when the lease ends before the permit is released. */
  readonly signal: AbortSignal;
  /** How the call was admitted. */
  readonly admission: Admission;
}

/** What a function protected by a `RedisBulkhead` receives. */
export interface RedisExecutionContext extends ExecutionContext {
  /** The grant's fencing token (see `RedisPermit.fencingToken`); pass it to a downstream that can refuse old holders. */
  readonly fencingToken: number | undefined;
}

/** The bookkeeping of one admitted call, shared by the permit and the bulkhead. */
export class Grant {
  readonly controller = new AbortController();
  /** True once the lease was found lost (its slot is no longer ours: never released in Redis). */
  lost = false;
  /** Local time (performance.now()) the lease was last known to be extended. */
  renewedAt: number;

  constructor(
    readonly id: string,
    readonly fencingToken: number | undefined,
    readonly admission: Admission,
    readonly admittedAt: number,
    readonly waitTime: number,
    readonly localPermit: Permit | undefined,
  ) {
    this.renewedAt = admittedAt;
  }
}

/** The `RedisPermit` handed to callers; `release()` is idempotent and reports to `onRelease` once. */
export class GrantPermit implements RedisPermit {
  readonly #grant: Grant;
  readonly #onRelease: (grant: Grant, outcome: CallOutcome) => void;
  #released = false;

  constructor(
    readonly bulkheadName: string,
    grant: Grant,
    onRelease: (grant: Grant, outcome: CallOutcome) => void,
  ) {
    this.#grant = grant;
    this.#onRelease = onRelease;
  }

  get fencingToken(): number | undefined {
    return this.#grant.fencingToken;
  }

  get signal(): AbortSignal {
    return this.#grant.controller.signal;
  }

  get admission(): Admission {
    return this.#grant.admission;
  }

  get released(): boolean {
    return this.#released;
  }

  release(outcome: CallOutcome = 'success'): void {
    if (this.#released) return;
    this.#released = true;
    this.#onRelease(this.#grant, outcome);
  }

  [Symbol.dispose](): void {
    this.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}
