export type { BulkheadSource } from '../internal/bulkhead-source.js';
export { UNPARTITIONED_LABEL } from '../internal/compartment-labels.js';
export { DEFAULT_DURATION_BUCKETS, DEFAULT_WAIT_BUCKETS } from '../internal/default-buckets.js';
export { DEFAULT_PER_KEY_SERIES_MAX_KEYS, type PerKeySeriesOption } from '../internal/per-key-series.js';
export { BULKHEAD_ATTRIBUTES } from './attribute-names.js';
export { bulkheadOperationSpan, bulkheadSpan } from './bulkhead-span.js';
export {
  type BulkheadTracing,
  type InstrumentBulkheadsOptions,
  instrumentBulkheads,
} from './instrument-bulkheads.js';
export { INSTRUMENTATION_SCOPE } from './instrumentation-scope.js';
export { OTEL_METRIC_NAMES } from './metric-names.js';
export type { RegisterBulkheadOtelMetricsOptions } from './otel-metrics-options.js';
export { type BulkheadOtelMetrics, registerBulkheadOtelMetrics } from './register-bulkhead-otel-metrics.js';
export type { SpanData } from './span-data.js';
export {
  type TraceContextCarrier,
  type TraceContextPropagator,
  traceContextPropagator,
} from './trace-context-propagator.js';
export type { TracingMode } from './traced-passage.js';
