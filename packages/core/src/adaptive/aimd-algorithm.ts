import { clampLimit, type LimitAlgorithm, type LimitBounds, type LimitSample } from './limit-algorithm.js';

/** Parameters of the `aimd` algorithm. */
export interface AimdParameters {
  /** Factor applied on a timeout or a slow call, in [0.5, 1). Default `0.9` (Netflix's). */
  backoffRatio?: number;
  /** Run time (ms) above which a call counts as a drop. Default `5000` (Netflix's `timeout`). */
  latencyThreshold?: number;
}

/** Defaults of `aimd`, as Netflix's concurrency-limits publishes them. */
export const AIMD_DEFAULTS = { backoffRatio: 0.9, latencyThreshold: 5_000 } as const;

/**
 * Additive increase, multiplicative decrease (TCP Reno's congestion avoidance): +1 per limit's worth of
 * saturated, fast, successful calls; times `backoffRatio` on a timeout or a run time above
 * `latencyThreshold`, at most once per round trip (calls admitted before the last decrease do not count again)
 * unless the call timed out or took twice the threshold.
 */
export class AimdAlgorithm implements LimitAlgorithm {
  #estimate: number;
  #lastDecreaseAt = Number.NEGATIVE_INFINITY;
  readonly #bounds: LimitBounds;
  readonly #backoffRatio: number;
  readonly #latencyThreshold: number;

  constructor(bounds: LimitBounds, parameters: Required<AimdParameters>) {
    this.#bounds = bounds;
    this.#estimate = bounds.initialLimit;
    this.#backoffRatio = parameters.backoffRatio;
    this.#latencyThreshold = parameters.latencyThreshold;
  }

  get estimate(): number {
    return this.#estimate;
  }

  update(sample: LimitSample): number {
    const slow = sample.runTime > this.#latencyThreshold;
    if (sample.timedOut || slow) {
      // One decrease per round trip (this call may have been admitted under a limit already cut), except
      // for a drop or a call twice the threshold: those cut at once, so a collapsed downstream is left fast.
      const severe = sample.timedOut || sample.runTime > 2 * this.#latencyThreshold;
      if (severe || sample.admittedAt >= this.#lastDecreaseAt) {
        this.#estimate = clampLimit(Math.floor(this.#estimate * this.#backoffRatio), this.#bounds);
        this.#lastDecreaseAt = sample.admittedAt + sample.runTime;
      }
    } else if (sample.saturated) {
      this.#estimate = clampLimit(this.#estimate + 1 / Math.floor(this.#estimate), this.#bounds);
    }
    return this.#estimate;
  }
}
