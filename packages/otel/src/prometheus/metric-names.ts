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
});

/** Key of a metric family in `PROMETHEUS_METRIC_NAMES`. */
export type PrometheusMetricKey = keyof typeof PROMETHEUS_METRIC_NAMES;

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
});
