/** Inputs of `estimateRetryAfterSeconds`. */
export interface RetryAfterInput {
  /** Recent mean service time of one call in ms (the EWMA). */
  serviceTime: number;
  /** Calls waiting in the compartment's queue now. */
  waitingCount: number;
  /** The compartment's concurrency limit. */
  maxConcurrent: number;
  /** Lower bound in seconds. */
  minSeconds: number;
  /** Upper bound in seconds. */
  maxSeconds: number;
}

/**
 * `Retry-After` in whole seconds: `ceil(serviceTime * (waitingCount + 1) / maxConcurrent / 1000)`,
 * clamped to `[minSeconds, maxSeconds]`. Under saturation a permit frees about every
 * `serviceTime / maxConcurrent` ms, and the waiters ahead take the next `waitingCount` of them.
 */
export function estimateRetryAfterSeconds(input: RetryAfterInput): number {
  const limit = Math.max(1, input.maxConcurrent);
  const waiting = Math.max(0, input.waitingCount);
  const serviceTime = Number.isFinite(input.serviceTime) ? Math.max(0, input.serviceTime) : 0;
  const seconds = Math.ceil((serviceTime * (waiting + 1)) / limit / 1000);
  return Math.min(input.maxSeconds, Math.max(input.minSeconds, seconds));
}
