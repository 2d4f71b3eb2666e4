/** Options of `ServiceTimeEstimator`. */
export interface ServiceTimeEstimatorOptions {
  /** Weight of the newest sample, in (0, 1]; default 0.2 (about the last 10 calls matter). */
  smoothing?: number;
}

/**
 * Exponentially weighted moving average (EWMA) of call durations in milliseconds:
 * `estimate += smoothing * (sample - estimate)`; the first sample sets the estimate.
 * @throws {RangeError} at construction when `options.smoothing` is not in (0, 1].
 */
export class ServiceTimeEstimator {
  readonly #smoothing: number;
  #estimate: number | undefined = undefined;
  #samples = 0;

  constructor(options: ServiceTimeEstimatorOptions = {}) {
    const smoothing = options.smoothing ?? 0.2;
    if (typeof smoothing !== 'number' || !(smoothing > 0 && smoothing <= 1)) {
      throw new RangeError(`options.smoothing must be a number in (0, 1], got ${String(smoothing)}`);
    }
    this.#smoothing = smoothing;
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
