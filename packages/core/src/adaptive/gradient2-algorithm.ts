import { clampLimit, type LimitAlgorithm, type LimitBounds, type LimitSample } from './limit-algorithm.js';

/** Parameters of the `gradient2` algorithm. */
export interface Gradient2Parameters {
  /** Weight of a new estimate, in (0, 1]. Default `0.2`. */
  smoothing?: number;
  /** Samples the long-term run-time average spans (exponential). Default `600`. */
  longWindow?: number;
  /** How much slower than the long-term average a call may be before the limit shrinks (>= 1). Default `1.5`. */
  rttTolerance?: number;
  /** Queue allowance added to the limit: a number, or a function of the limit. Default `Math.sqrt`. */
  queueSize?: number | ((limit: number) => number);
}

/** Defaults of `gradient2`: Netflix's, with the square-root queue allowance of its first gradient limit. */
export const GRADIENT2_DEFAULTS = {
  smoothing: 0.2,
  longWindow: 600,
  rttTolerance: 1.5,
  queueSize: Math.sqrt,
} as const;

/** Samples averaged plainly before the long-term average becomes exponential. */
const WARMUP_SAMPLES = 10;

/**
 * Netflix's gradient2: `gradient = clamp(rttTolerance x longTermAverage / runTime, 0.5, 1)`, then
 * `limit = limit x gradient + queueSize(limit)`, smoothed; growth applies per round trip, shrinking per sample.
 * The long-term average is an exponential average
 * of run times, which rises only with calls run while the compartment was not full (its own queueing is not
 * the baseline); when it is more than twice the current run time (load is gone) it decays faster.
 */
export class Gradient2Algorithm implements LimitAlgorithm {
  #estimate: number;
  #longTermAverage = 0;
  #samples = 0;
  readonly #bounds: LimitBounds;
  readonly #smoothing: number;
  readonly #longFactor: number;
  readonly #rttTolerance: number;
  readonly #queueSize: (limit: number) => number;

  constructor(bounds: LimitBounds, parameters: Required<Gradient2Parameters>) {
    this.#bounds = bounds;
    this.#estimate = bounds.initialLimit;
    this.#smoothing = parameters.smoothing;
    this.#longFactor = 2 / (parameters.longWindow + 1);
    this.#rttTolerance = parameters.rttTolerance;
    const { queueSize } = parameters;
    this.#queueSize = typeof queueSize === 'number' ? () => queueSize : queueSize;
  }

  get estimate(): number {
    return this.#estimate;
  }

  /** The long-term average run time (ms). */
  get longTermRunTime(): number {
    return this.#longTermAverage;
  }

  update(sample: LimitSample): number {
    const { runTime } = sample;
    if (runTime <= 0) return this.#estimate;
    // While the compartment is full, its own queueing slows calls down: that must not become the baseline
    // (it would let the limit drift up for ever), so the long-term average then only moves down.
    const longTerm =
      sample.saturated && this.#samples >= WARMUP_SAMPLES && runTime > this.#longTermAverage
        ? this.#longTermAverage
        : this.#addToLongTerm(runTime);
    if (longTerm / runTime > 2) this.#longTermAverage *= 0.95;
    if (!sample.saturated && !sample.timedOut) return this.#estimate;
    const gradient = sample.timedOut
      ? 0.5
      : Math.max(0.5, Math.min(1, (this.#rttTolerance * longTerm) / runTime));
    const limit = this.#estimate;
    const queueSize = sample.saturated ? this.#queueSize(limit) : 0;
    let change = this.#smoothing * (limit * gradient + queueSize - limit);
    // Growth is per round trip (spread over a limit's worth of samples), so the limit cannot grow by its own
    // size before the first call admitted under it reports back; shrinking applies per sample.
    if (change > 0) change /= Math.max(1, limit);
    this.#estimate = clampLimit(limit + change, this.#bounds);
    return this.#estimate;
  }

  #addToLongTerm(runTime: number): number {
    if (this.#samples < WARMUP_SAMPLES) {
      this.#samples++;
      this.#longTermAverage += (runTime - this.#longTermAverage) / this.#samples;
    } else {
      this.#longTermAverage += (runTime - this.#longTermAverage) * this.#longFactor;
    }
    return this.#longTermAverage;
  }
}
