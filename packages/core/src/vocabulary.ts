/** Kind of compartment; the `type` discriminant of `BulkheadState`. */
export type BulkheadType = 'semaphore' | 'thread_pool' | 'shared' | 'redis' | 'partitioned' | 'keyed';

/**
 * Why a call was not admitted:
 * `queue_full` (no permit and no room to wait, or the caller chose not to wait),
 * `queue_timeout` (waited its `timeout` in vain), `aborted` (its signal fired while waiting),
 * `shutdown` (the bulkhead is closed or draining), `dropped` (shed from a full queue to make room for a newer
 * waiter), `unavailable` (the bulkhead's coordinator, such as Redis, could not be reached in time).
 */
export type RejectionReason =
  | 'queue_full'
  | 'queue_timeout'
  | 'aborted'
  | 'shutdown'
  | 'dropped'
  | 'unavailable';

/** How an admitted call ended. */
export type CallOutcome = 'success' | 'failure' | 'timeout';
