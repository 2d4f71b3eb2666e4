/** Names of the metric families `registerBulkheadMetrics()` registers, before the prefix. */
export const PROMETHEUS_METRIC_NAMES = Object.freeze({
  activeCalls: 'bulkhead_active_calls',
  maxConcurrentCalls: 'bulkhead_max_concurrent_calls',
  waitingCalls: 'bulkhead_waiting_calls',
  availablePermits: 'bulkhead_available_permits',
  utilizationRatio: 'bulkhead_utilization_ratio',
  queueCapacity: 'bulkhead_queue_capacity',
  poolSize: 'bulkhead_pool_size',
  callsTotal: 'bulkhead_calls_total',
  requestedCallsTotal: 'bulkhead_requested_calls_total',
  rejectionsTotal: 'bulkhead_rejections_total',
  waitSeconds: 'bulkhead_wait_seconds',
  callDurationSeconds: 'bulkhead_call_duration_seconds',
  partitionActiveCalls: 'bulkhead_partition_active_calls',
  partitionWaitingCalls: 'bulkhead_partition_waiting_calls',
  partitionGuaranteedPermits: 'bulkhead_partition_guaranteed_permits',
  partitionBorrowedPermits: 'bulkhead_partition_borrowed_permits',
  partitionRejectedCallsTotal: 'bulkhead_partition_rejected_calls_total',
  partitionRejectionsTotal: 'bulkhead_partition_rejections_total',
  partitionWaitSeconds: 'bulkhead_partition_wait_seconds',
  partitionCallDurationSeconds: 'bulkhead_partition_call_duration_seconds',
  liveKeys: 'bulkhead_keys',
  maxKeys: 'bulkhead_max_keys',
  evictedKeysTotal: 'bulkhead_evicted_keys_total',
  keyActiveCalls: 'bulkhead_key_active_calls',
  keyWaitingCalls: 'bulkhead_key_waiting_calls',
  keyRejectedCallsTotal: 'bulkhead_key_rejected_calls_total',
});

/** Key of a metric family in `PROMETHEUS_METRIC_NAMES`. */
export type PrometheusMetricKey = keyof typeof PROMETHEUS_METRIC_NAMES;

/** Families with a `key` label, registered only with `perKeySeries`. */
export const PER_KEY_METRIC_KEYS: readonly PrometheusMetricKey[] = Object.freeze([
  'keyActiveCalls',
  'keyWaitingCalls',
  'keyRejectedCallsTotal',
]);

/** Help text of each family. */
export const PROMETHEUS_METRIC_HELP: Readonly<Record<PrometheusMetricKey, string>> = Object.freeze({
  activeCalls: 'Calls holding a permit of the bulkhead now.',
  maxConcurrentCalls: 'Calls the bulkhead admits at once.',
  waitingCalls: 'Calls waiting in the bulkhead queue now.',
  availablePermits: 'Permits of the bulkhead free now.',
  utilizationRatio: 'Active calls divided by the concurrency limit (0 to 1).',
  queueCapacity: 'Thread pools: bound on queued tasks.',
  poolSize: 'Thread pools: live workers.',
  callsTotal:
    'Calls through the bulkhead by outcome (success, failure, rejected, timeout), as getState() counts them.',
  requestedCallsTotal:
    'Calls that asked the bulkhead for a permit: admitted plus rejected (getState().totalCalls).',
  rejectionsTotal:
    'Calls the bulkhead refused by reason (queue_full, queue_timeout, aborted, shutdown, dropped, unavailable).',
  waitSeconds: 'Seconds admitted calls waited for a permit.',
  callDurationSeconds: 'Seconds admitted calls held their permit.',
  partitionActiveCalls: 'Partitioned bulkheads: calls of the partition holding a permit now.',
  partitionWaitingCalls: 'Partitioned bulkheads: calls of the partition waiting now.',
  partitionGuaranteedPermits:
    'Partitioned bulkheads: permits guaranteed to the partition at the current limit.',
  partitionBorrowedPermits:
    'Partitioned bulkheads: permits the partition holds beyond its guarantee (lent by idle partitions).',
  partitionRejectedCallsTotal: 'Partitioned bulkheads: calls of the partition refused (getState()).',
  partitionRejectionsTotal: 'Partitioned bulkheads: calls of the partition refused, by reason.',
  partitionWaitSeconds: 'Partitioned bulkheads: seconds admitted calls of the partition waited for a permit.',
  partitionCallDurationSeconds:
    'Partitioned bulkheads: seconds admitted calls of the partition held their permit.',
  liveKeys: 'Keyed bulkheads: keys with a compartment now.',
  maxKeys: 'Keyed bulkheads: bound on live keys.',
  evictedKeysTotal: 'Keyed bulkheads: compartments evicted (idle, or least recently used at maxKeys).',
  keyActiveCalls: 'Keyed bulkheads (perKeySeries): calls of the key holding a permit now.',
  keyWaitingCalls: 'Keyed bulkheads (perKeySeries): calls of the key waiting now.',
  keyRejectedCallsTotal:
    'Keyed bulkheads (perKeySeries): calls of the key refused since its compartment was created.',
});
