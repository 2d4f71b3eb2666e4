import {
  type AdaptiveLimitChangeReason,
  type AdaptiveLimitController,
  type AdaptiveLimitOptions,
  adaptiveLimit,
  SemaphoreBulkhead,
} from '@x/bulkhead-core';
import { validateFunction, validateKnownKeys, validateTimeout } from '@x/bulkhead-core/extension';

/** How one call of the adaptive phase ended. */
export type AdaptiveCallOutcome = 'ok' | 'rejected' | 'timeout' | 'error';

/** One call one side made. */
export interface AdaptiveCallRecord {
  /** Milliseconds since the phase started, when the call arrived. */
  readonly sentAt: number;
  /** Milliseconds until it ended (about 0 for a rejection). */
  readonly latencyMs: number;
  readonly outcome: AdaptiveCallOutcome;
}

/** The limit in force at one instant. */
export interface LimitPoint {
  readonly atMs: number;
  readonly limit: number;
}

/** One `change` event of the adaptive controller. */
export interface LimitChangeRecord {
  readonly atMs: number;
  readonly previous: number;
  readonly limit: number;
  readonly reason: AdaptiveLimitChangeReason;
}

/** Calls the user service once; resolves `true` for a 2xx answer, `false` otherwise (never rejects). */
export type UserServiceCall = (signal: AbortSignal) => Promise<boolean>;

/** Options of `ClientSide`. */
export interface ClientSideOptions {
  /** Compartment name, e.g. `users-adaptive`. */
  name: string;
  /** The compartment's limit at the start (for the fixed side: always). */
  limit: number;
  /** Attach `adaptiveLimit()` with these options; omitted: a fixed limit. */
  adaptive?: AdaptiveLimitOptions;
  /** The user service call. */
  call: UserServiceCall;
  /** A call without an answer after this many ms is abandoned and its permit released as `timeout`. */
  timeoutMs: number;
  /** Milliseconds since the phase started. */
  now: () => number;
}

/**
 * One caller of the user service: a `SemaphoreBulkhead` without a queue (a full compartment turns the
 * call away at once), adaptive or fixed, and a record of every call, limit and limit change.
 */
export class ClientSide {
  readonly name: string;
  readonly bulkhead: SemaphoreBulkhead;
  readonly controller: AdaptiveLimitController | undefined;
  readonly records: AdaptiveCallRecord[] = [];
  readonly limits: LimitPoint[] = [];
  readonly changes: LimitChangeRecord[] = [];
  readonly #options: ClientSideOptions;
  readonly #inFlight = new Set<Promise<void>>();

  /**
   * @throws {TypeError | RangeError} naming the option, for an unknown key or an invalid value (the
   * bulkhead and `adaptiveLimit()` validate `name`, `limit` and `adaptive`).
   */
  constructor(options: ClientSideOptions) {
    validateKnownKeys(options, ['name', 'limit', 'adaptive', 'call', 'timeoutMs', 'now']);
    validateFunction('options.call', options.call);
    validateFunction('options.now', options.now);
    validateTimeout('timeoutMs', options.timeoutMs);
    this.#options = options;
    this.name = options.name;
    this.bulkhead = new SemaphoreBulkhead(options.name, { maxConcurrent: options.limit, maxQueue: 0 });
    this.controller =
      options.adaptive === undefined ? undefined : adaptiveLimit(this.bulkhead, options.adaptive);
    this.controller?.on('change', ({ previous, limit, reason }) => {
      this.changes.push({ atMs: options.now(), previous, limit, reason });
    });
  }

  /** The limit in force: the controller's, which is also the bulkhead's `maxConcurrent`. */
  get limit(): number {
    return this.controller?.current ?? this.bulkhead.getState().maxConcurrent;
  }

  /** Records the limit in force now (the chart's line between changes). */
  sampleLimit(): void {
    this.limits.push({ atMs: this.#options.now(), limit: this.limit });
  }

  /** One arriving call: admitted at once or rejected at once; never rejects. */
  call(): void {
    const done = this.#run();
    this.#inFlight.add(done);
    void done.then(() => this.#inFlight.delete(done));
  }

  /** Resolves once every call made so far has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.#inFlight);
  }

  /** Detaches the controller (the bulkhead keeps its last limit). */
  stop(): void {
    this.controller?.stop();
  }

  async #run(): Promise<void> {
    const { now, timeoutMs } = this.#options;
    const sentAt = now();
    const permit = this.bulkhead.tryAcquire();
    if (permit === undefined) {
      this.records.push({ sentAt, latencyMs: now() - sentAt, outcome: 'rejected' });
      return;
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const ok = await this.#options.call(deadline.signal).catch(() => false);
    clearTimeout(timer);
    const outcome: AdaptiveCallOutcome = deadline.signal.aborted ? 'timeout' : ok ? 'ok' : 'error';
    // A timed-out call reaches the controller as a drop; an error says nothing about capacity.
    permit.release(outcome === 'ok' ? 'success' : outcome === 'timeout' ? 'timeout' : 'failure');
    this.records.push({ sentAt, latencyMs: now() - sentAt, outcome });
  }
}
