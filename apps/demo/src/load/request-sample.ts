import type { RouteName } from '../config.js';

/**
 * How a request ended: `ok` (2xx), `rejected` (503 with `Retry-After`, a bulkhead said no),
 * `short_circuited` (503 with `Retry-After` and `bulkhead-outcome: short_circuited`, an open circuit
 * breaker said no), `error` (any other status or a socket error), `timeout` (no answer within the
 * client timeout).
 */
export type RequestOutcome = 'ok' | 'rejected' | 'short_circuited' | 'error' | 'timeout';

/** One request the load generator sent. */
export interface RequestSample {
  readonly route: RouteName;
  /** Milliseconds since the run started, when the request was sent. */
  readonly sentAt: number;
  /** Milliseconds until the whole response arrived (or the request failed). */
  readonly latencyMs: number;
  readonly outcome: RequestOutcome;
  /** HTTP status, 0 when there was none. */
  readonly status: number;
}
