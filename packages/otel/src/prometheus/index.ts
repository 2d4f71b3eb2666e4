export type { BulkheadSource } from '../internal/bulkhead-source.js';
export { UNPARTITIONED_LABEL } from '../internal/compartment-labels.js';
export { DEFAULT_DURATION_BUCKETS, DEFAULT_WAIT_BUCKETS } from '../internal/default-buckets.js';
export { DEFAULT_PER_KEY_SERIES_MAX_KEYS, type PerKeySeriesOption } from '../internal/per-key-series.js';
export { PROMETHEUS_METRIC_NAMES, type PrometheusMetricKey } from './metric-names.js';
export {
  type MetricsUpdater,
  type MetricsUpdaterOptions,
  startMetricsUpdater,
  stopMetricsUpdater,
  updateBulkheadMetrics,
} from './metrics-updater.js';
export type { PrometheusRegistry, RegisterBulkheadMetricsOptions } from './prometheus-options.js';
export { type BulkheadMetrics, registerBulkheadMetrics } from './register-bulkhead-metrics.js';
