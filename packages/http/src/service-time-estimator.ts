import { validateKnownKeys, validateOptionsObject } from '@x/bulkhead-core/extension';
import { validateSmoothing } from './internal/validate-smoothing.js';

/** Options of `ServiceTimeEstimator`. */
export interface ServiceTimeEstimatorOptions {
  /** Weight of the newest sample, in (0, 1]; default 0.2 (about the last 10 calls matter). */
  smoothing?: number;
}

/**
 * Exponentially weighted moving average (EWMA) of call durations in milliseconds:
 * `estimate += smoothing * (sample - estimate)`; the first sample sets the estimate.
 * @throws {TypeError | RangeError} at construction when `options.smoothing` is not a number in (0, 1] or
 *   `options` has an unknown key.
 */
export class ServiceTimeEstimator {
  readonly #smoothing: number;
  #estimate: number | undefined = undefined;
  #samples = 0;

  constructor(options: ServiceTimeEstimatorOptions = {}) {
    validateOptionsObject('options', options);
    validateKnownKeys(options, ['smoothing']);
    this.#smoothing = validateSmoothing('smoothing', options.smoothing ?? 0.2);
  }

  /** Adds one duration (ms); negative or non-finite samples are ignored. */
  record(duration: number): void {
    if (!Number.isFinite(duration) || duration < 0) return;
    this.#samples++;
    this.#estimate =
      this.#estimate === undefined
        ? duration
        : this.#estimate + this.#smoothing * (duration - this.#estimate);
  }

  /** The current estimate in ms, or `undefined` before the first sample. */
  get estimate(): number | undefined {
    return this.#estimate;
  }

  /** Number of samples recorded. */
  get sampleCount(): number {
    return this.#samples;
  }
}
