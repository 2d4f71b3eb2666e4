import type { Bulkhead } from '@x/bulkhead-core';

/** Options shared by the guard and every adapter. */
export interface HttpBulkheadGuardOptions {
  /** The compartment that protects the routes. */
  bulkhead: Bulkhead;
  /**
   * Milliseconds a request may wait for a permit (FIFO; a client that disconnects leaves the queue).
   * Default 0: fail fast with 503. `Infinity` waits without a timer.
   */
  waitTimeout?: number;
  /** Lower bound of `Retry-After` in seconds; integer >= 0, default 1. */
  minRetryAfter?: number;
  /** Upper bound of `Retry-After` in seconds; integer >= `minRetryAfter`, default 60. */
  maxRetryAfter?: number;
  /** Service time (ms) assumed before the first call finished; default 1000. */
  initialServiceTime?: number;
  /** EWMA weight of the newest call duration, in (0, 1]; default 0.2. */
  smoothing?: number;
  /** The problem `type` URI; default `about:blank`. */
  problemType?: string;
}
