/** Attribute keys used on metrics and spans. */
export const BULKHEAD_ATTRIBUTES = Object.freeze({
  name: 'bulkhead.name',
  type: 'bulkhead.type',
  maxConcurrent: 'bulkhead.max_concurrent',
  outcome: 'bulkhead.outcome',
  rejectionReason: 'bulkhead.rejection.reason',
  waitTimeMs: 'bulkhead.wait_time_ms',
  timeoutMs: 'bulkhead.timeout_ms',
  operation: 'bulkhead.operation',
  /** Partitioned bulkheads: the call's partition, `(unpartitioned)` for calls without one. */
  partition: 'bulkhead.partition',
  /** Keyed bulkheads: the call's key (on spans always; on metrics only with `perKeySeries`). */
  key: 'bulkhead.key',
});
