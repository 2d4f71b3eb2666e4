import { vi } from 'vitest';
import { SemaphoreBulkhead } from '../../semaphore-bulkhead.js';
import { type AdaptiveLimitController, adaptiveLimit } from '../adaptive-limit.js';
import type { AdaptiveLimitOptions } from '../adaptive-limit-options.js';
import { OpenLoopLoad } from './open-loop-load.js';
import { SimulatedDownstream } from './simulated-downstream.js';

/** Downstream latency (ms) of the scenarios. */
export const LATENCY = 100;

/** One point of the limit over time. */
export interface LimitPoint {
  readonly at: number;
  /** Calls finished (admitted and done) when the limit took this value. */
  readonly calls: number;
  readonly limit: number;
}

/** What one phase of a scenario showed. */
export interface PhaseReport {
  readonly capacity: number;
  /** Calls finished from the start of the phase until the limit entered ±30 % of C for good (Infinity: never). */
  readonly callsToConverge: number;
  /** Lowest and highest limit in force during the second half of the phase (the steady state). */
  readonly band: readonly [number, number];
}

/**
 * A controller on a real `SemaphoreBulkhead` (no queue) in front of a `SimulatedDownstream`, under open-loop
 * load of 1.5x the largest capacity, driven by fake timers (call `useFakeClock()` first).
 */
export class AdaptiveScenario {
  readonly bulkhead: SemaphoreBulkhead;
  readonly controller: AdaptiveLimitController;
  readonly downstream: SimulatedDownstream;
  readonly load: OpenLoopLoad;
  readonly trace: LimitPoint[] = [];

  constructor(options: AdaptiveLimitOptions, capacity: number, rate: number) {
    this.bulkhead = new SemaphoreBulkhead('scenario', { maxConcurrent: 1, maxQueue: 0 });
    this.controller = adaptiveLimit(this.bulkhead, options);
    this.downstream = new SimulatedDownstream({ capacity, latency: LATENCY, timeoutAfter: 5 * LATENCY });
    this.load = new OpenLoopLoad(this.bulkhead, this.downstream, rate);
    this.trace.push({ at: performance.now(), calls: 0, limit: this.controller.current });
    this.controller.on('change', ({ limit }) => {
      this.trace.push({ at: performance.now(), calls: this.finishedCalls, limit });
    });
    this.load.start();
  }

  /** Calls admitted and finished so far. */
  get finishedCalls(): number {
    return (
      this.load.records.length - this.load.records.filter((record) => record.outcome === 'rejected').length
    );
  }

  /** Runs a phase of `milliseconds` at `capacity` and reports on it. */
  async phase(capacity: number, milliseconds: number): Promise<PhaseReport> {
    this.downstream.capacity = capacity;
    const startCalls = this.finishedCalls;
    const startAt = performance.now();
    const before = this.controller.current;
    await vi.advanceTimersByTimeAsync(milliseconds);
    const points = [
      { at: startAt, calls: startCalls, limit: before },
      ...this.trace.filter((point) => point.at > startAt),
    ];
    const inBand = (limit: number) => limit >= 0.7 * capacity && limit <= 1.3 * capacity;
    let lastOut = -1;
    for (const [index, point] of points.entries()) if (!inBand(point.limit)) lastOut = index;
    const halfway = startAt + milliseconds / 2;
    const steady = [
      points.filter((point) => point.at <= halfway).at(-1)!.limit,
      ...points.filter((point) => point.at > halfway).map((point) => point.limit),
    ];
    const band = [Math.min(...steady), Math.max(...steady)] as const;
    if (lastOut === points.length - 1) return { capacity, callsToConverge: Number.POSITIVE_INFINITY, band };
    return { capacity, callsToConverge: points[lastOut + 1]!.calls - startCalls, band };
  }

  /** Stops the load and the controller and lets calls in flight finish. */
  async finish(): Promise<void> {
    this.load.stop();
    this.controller.stop();
    await vi.advanceTimersByTimeAsync(10 * LATENCY);
  }
}
