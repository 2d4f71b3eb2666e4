import {
  clampLimit,
  type LimitAlgorithm,
  type LimitBounds,
  type LimitSample,
  log10Step,
} from './limit-algorithm.js';

/** Parameters of the `vegas` algorithm. */
export interface VegasParameters {
  /** Below `alpha x log10(limit)` queued calls the limit grows. Default `3`. */
  alpha?: number;
  /** Above `beta x log10(limit)` queued calls the limit shrinks. Default `6`. */
  beta?: number;
  /** Weight of a new estimate, in (0, 1]. Default `1` (no smoothing). */
  smoothing?: number;
  /**
   * Every `probeMultiplier x limit` samples the no-load run time is re-measured from the current sample,
   * so it can follow a downstream that got slower for good; `0` never re-measures. The probe waits for a call
   * run while the compartment was not full, and no traffic is shed for it.
   * Default `30`.
   */
  probeMultiplier?: number;
}

/** Defaults of `vegas`, as Netflix's concurrency-limits publishes them. */
export const VEGAS_DEFAULTS = { alpha: 3, beta: 6, smoothing: 1, probeMultiplier: 30 } as const;

/**
 * TCP Vegas: estimates the calls queued inside the downstream as `limit x (1 - rttNoLoad / rtt)`, where
 * `rttNoLoad` is the smallest run time seen; per round trip grows by `beta x log10` while nothing queues and by
 * `log10` while fewer than `alpha x log10` queue; per sample shrinks by `log10` above `beta x log10` and on a
 * timeout.
 */
export class VegasAlgorithm implements LimitAlgorithm {
  #estimate: number;
  #noLoadRunTime = 0;
  #samplesSinceProbe = 0;
  readonly #bounds: LimitBounds;
  readonly #parameters: Required<VegasParameters>;

  constructor(bounds: LimitBounds, parameters: Required<VegasParameters>) {
    this.#bounds = bounds;
    this.#estimate = bounds.initialLimit;
    this.#parameters = parameters;
  }

  get estimate(): number {
    return this.#estimate;
  }

  /** The smallest run time seen since the last probe (ms), 0 before the first sample. */
  get noLoadRunTime(): number {
    return this.#noLoadRunTime;
  }

  update(sample: LimitSample): number {
    const { runTime } = sample;
    if (runTime <= 0) return this.#estimate;
    const { probeMultiplier } = this.#parameters;
    this.#samplesSinceProbe++;
    // Re-measure only from a call run while the compartment was not full: under saturation the run time
    // includes the queue this limit built, and taking that as the no-load time would ratchet the limit up.
    const probeDue = probeMultiplier > 0 && this.#samplesSinceProbe >= probeMultiplier * this.#estimate;
    if (probeDue && !sample.saturated) {
      this.#samplesSinceProbe = 0;
      this.#noLoadRunTime = runTime;
      return this.#estimate;
    }
    if (this.#noLoadRunTime === 0 || runTime < this.#noLoadRunTime) {
      this.#noLoadRunTime = runTime;
      return this.#estimate;
    }
    const target = this.#target(sample);
    if (target === undefined) return this.#estimate;
    const { smoothing } = this.#parameters;
    this.#estimate = clampLimit(
      (1 - smoothing) * this.#estimate + smoothing * clampLimit(target, this.#bounds),
      this.#bounds,
    );
    return this.#estimate;
  }

  /** The next limit before smoothing, or `undefined` to keep the current one. */
  #target(sample: LimitSample): number | undefined {
    const limit = this.#estimate;
    const step = log10Step(limit);
    if (sample.timedOut) return limit - step;
    if (!sample.saturated) return undefined;
    const queued = Math.ceil(limit * (1 - this.#noLoadRunTime / sample.runTime));
    const { alpha, beta } = this.#parameters;
    // Increases are per round trip, as in TCP Vegas: spread over a limit's worth of samples, so a limit
    // does not grow by its own size before the first call admitted under it reports back.
    if (queued <= step) return limit + (beta * step) / limit;
    if (queued < alpha * step) return limit + step / limit;
    if (queued > beta * step) return limit - step;
    return undefined;
  }
}
