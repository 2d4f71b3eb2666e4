/** Names of the OpenTelemetry instruments `registerBulkheadOtelMetrics()` creates. */
export const OTEL_METRIC_NAMES = Object.freeze({
  activeCalls: 'bulkhead.active_calls',
  maxConcurrentCalls: 'bulkhead.max_concurrent_calls',
  waitingCalls: 'bulkhead.waiting_calls',
  availablePermits: 'bulkhead.available_permits',
  utilization: 'bulkhead.utilization',
  queueCapacity: 'bulkhead.queue_capacity',
  poolSize: 'bulkhead.pool_size',
  calls: 'bulkhead.calls',
  requestedCalls: 'bulkhead.requested_calls',
  rejections: 'bulkhead.rejections',
  waitDuration: 'bulkhead.wait.duration',
  callDuration: 'bulkhead.call.duration',
});
