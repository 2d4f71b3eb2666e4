import type { IncomingMessage } from 'node:http';
import type { Bulkhead } from '@x/bulkhead-core';

/**
 * Picks the compartment of one request (a partition, a tenant's key, a route's compartment); `undefined`
 * lets the request through unguarded. Called once per request, before it waits.
 */
export type BulkheadSelector = (request: IncomingMessage) => Bulkhead | undefined;

/** Options shared by the guard and every adapter. Give exactly one of `bulkhead` and `bulkheadFor`. */
export interface HttpBulkheadGuardOptions {
  /** The compartment that protects every request. */
  bulkhead?: Bulkhead;
  /**
   * Routes each request to its own compartment, e.g. `(request) => api.partition(isBatch(request) ? 'batch' :
   * 'live')` or `(request) => tenants.forKey(tenantOf(request))`.
   */
  bulkheadFor?: BulkheadSelector;
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
