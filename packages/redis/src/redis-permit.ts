import type { CallOutcome, ExecutionContext, Permit } from '@x/bulkhead-core';
import { CallContext, PermitBase } from '@x/bulkhead-core/extension';

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

/** The `RedisPermit` handed to callers; released exactly once (core's `PermitBase`), reported to `onRelease`. */
export class GrantPermit extends PermitBase implements RedisPermit {
  readonly #grant: Grant;
  readonly #onRelease: (grant: Grant, outcome: CallOutcome) => void;

  constructor(bulkheadName: string, grant: Grant, onRelease: (grant: Grant, outcome: CallOutcome) => void) {
    super(bulkheadName);
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

  protected onRelease(outcome: CallOutcome): void {
    this.#onRelease(this.#grant, outcome);
  }
}

/** The context of a call run by `execute()`: the signal (caller's and lease's) and the fencing token. */
export class FencedCallContext extends CallContext implements RedisExecutionContext {
  constructor(
    signal: AbortSignal,
    readonly fencingToken: number | undefined,
  ) {
    super(signal);
  }
}
