import type { SynchronousBulkhead } from '../../bulkhead.js';
import { BulkheadTimeoutError } from '../../errors.js';
import type { SimulatedDownstream } from './simulated-downstream.js';

/** One call the load made. */
export interface CallRecord {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: 'success' | 'timeout' | 'rejected';
}

/** What the load saw between two instants. */
export interface LoadSummary {
  /** Successful calls per second (finished in the window). */
  readonly goodput: number;
  /** 99th percentile latency (ms) of the successful calls finished in the window. */
  readonly p99: number;
  readonly successes: number;
  readonly timeouts: number;
  readonly rejections: number;
}

/**
 * Open-loop load: every millisecond, `rate` calls on average (a fractional rate accumulates) ask `bulkhead`
 * for a permit without waiting and, when admitted, call `downstream`; a timed-out call releases its permit
 * with outcome `timeout`. Arrivals do not depend on completions, like independent users.
 */
export class OpenLoopLoad {
  readonly records: CallRecord[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #credit = 0;
  inFlight = 0;

  constructor(
    readonly bulkhead: SynchronousBulkhead,
    readonly downstream: SimulatedDownstream,
    public rate: number,
  ) {}

  /** Starts arriving (next millisecond first). */
  start(): void {
    const tick = (): void => {
      this.#credit += this.rate;
      for (; this.#credit >= 1; this.#credit--) this.#arrive();
      this.#timer = setTimeout(tick, 1);
    };
    this.#timer = setTimeout(tick, 1);
  }

  /** Stops arriving; calls in flight finish. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Goodput, p99 and counts over the calls finished in `[from, to)` (ms). */
  summary(from: number, to: number): LoadSummary {
    const inWindow = this.records.filter((record) => record.finishedAt >= from && record.finishedAt < to);
    const latencies = inWindow
      .filter((record) => record.outcome === 'success')
      .map((record) => record.finishedAt - record.startedAt)
      .sort((left, right) => left - right);
    const count = (outcome: CallRecord['outcome']) =>
      inWindow.filter((record) => record.outcome === outcome).length;
    return {
      goodput: (latencies.length * 1000) / (to - from),
      p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
      successes: latencies.length,
      timeouts: count('timeout'),
      rejections: count('rejected'),
    };
  }

  #arrive(): void {
    const startedAt = performance.now();
    const permit = this.bulkhead.tryAcquire();
    if (permit === undefined) {
      this.records.push({ startedAt, finishedAt: startedAt, outcome: 'rejected' });
      return;
    }
    this.inFlight++;
    this.downstream.call().then(
      () => this.#finish(permit, startedAt, 'success'),
      (error: unknown) =>
        this.#finish(permit, startedAt, BulkheadTimeoutError.isInstance(error) ? 'timeout' : 'failure'),
    );
  }

  #finish(
    permit: { release(outcome: 'success' | 'failure' | 'timeout'): void },
    startedAt: number,
    outcome: 'success' | 'failure' | 'timeout',
  ): void {
    this.inFlight--;
    permit.release(outcome);
    if (outcome !== 'failure') this.records.push({ startedAt, finishedAt: performance.now(), outcome });
  }
}
