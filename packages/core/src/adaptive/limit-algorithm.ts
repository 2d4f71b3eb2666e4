/** One finished call as the adaptive controller hands it to an algorithm. */
export interface LimitSample {
  /** Milliseconds between admission and release (the bulkhead's `finished.duration`). */
  readonly runTime: number;
  /** True when the call ended with outcome `timeout` (a drop). */
  readonly timedOut: boolean;
  /** True when the compartment was full (or turned calls away) at some point while this call ran. */
  readonly saturated: boolean;
  /** `performance.now()` when the call was admitted. */
  readonly admittedAt: number;
}

/** A limit estimator: takes samples, keeps a fractional estimate within its bounds. */
export interface LimitAlgorithm {
  /** The current estimate (fractional; the controller applies its integer part). */
  readonly estimate: number;
  /** Takes one sample and returns the new estimate. */
  update(sample: LimitSample): number;
}

/** Bounds every algorithm keeps its estimate within. */
export interface LimitBounds {
  readonly initialLimit: number;
  readonly minLimit: number;
  readonly maxLimit: number;
}

/** `value` clamped to `[minLimit, maxLimit]`. */
export function clampLimit(value: number, bounds: LimitBounds): number {
  return Math.min(bounds.maxLimit, Math.max(bounds.minLimit, value));
}

/** Netflix's integer log10 of a limit, at least 1: the scale of vegas' thresholds and steps. */
export function log10Step(limit: number): number {
  return Math.max(1, Math.floor(Math.log10(Math.max(1, limit))));
}
