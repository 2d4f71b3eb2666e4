import { type Meter, metrics } from '@opentelemetry/api';
import { describeValue, validateBoolean } from '@x/bulkhead-core/extension';
import { type BulkheadSource, type ResolvedSource, resolveSource } from '../internal/bulkhead-source.js';
import { DEFAULT_DURATION_BUCKETS, DEFAULT_WAIT_BUCKETS } from '../internal/default-buckets.js';
import { type PerKeySeriesOption, validatePerKeySeries } from '../internal/per-key-series.js';
import { validateBuckets, validateOptions, validateStringRecord } from '../internal/validate-options.js';
import { BULKHEAD_ATTRIBUTES } from './attribute-names.js';
import { INSTRUMENTATION_SCOPE } from './instrumentation-scope.js';

/** Options of `registerBulkheadOtelMetrics()`. */
export interface RegisterBulkheadOtelMetricsOptions {
  /** Meter to create the instruments on; default `metrics.getMeter('@x/bulkhead-otel')`. */
  meter?: Meter;
  /** A registry of bulkheads (followed as it changes) or a fixed list; default `getBulkheadRegistry()`. */
  source?: BulkheadSource;
  /** Constant attributes added to every data point. */
  attributes?: Readonly<Record<string, string>>;
  /** Bucket advice (seconds) for `bulkhead.wait.duration`. */
  waitBuckets?: readonly number[];
  /** Bucket advice (seconds) for `bulkhead.call.duration`. */
  durationBuckets?: readonly number[];
  /**
   * Whether to record the two histograms (default true). They are the only per-call SDK work:
   * the OpenTelemetry API has no way to hand over pre-aggregated buckets, so each call records.
   */
  histograms?: boolean;
  /**
   * Keyed bulkheads: also report `bulkhead.key.*` points with `bulkhead.key` (default false: aggregated
   * over keys only, cardinality-safe). `true` caps them at 100 keys per bulkhead, `{ maxKeys }` at your
   * cap; evicted keys stop being reported. Needs `perKeyState: true` on the `KeyedBulkhead`.
   */
  perKeySeries?: PerKeySeriesOption;
}

/** Options after validation, defaults applied. */
export interface ResolvedOtelMetricsOptions {
  readonly meter: Meter;
  readonly constantAttributes: Readonly<Record<string, string>>;
  readonly waitBuckets: Float64Array;
  readonly durationBuckets: Float64Array;
  readonly recordHistograms: boolean;
  /** Cap on keyed points per keyed bulkhead; 0: no per-key points. */
  readonly perKeySeriesMaxKeys: number;
  readonly source: ResolvedSource;
}

const OPTION_KEYS = [
  'meter',
  'source',
  'attributes',
  'waitBuckets',
  'durationBuckets',
  'histograms',
  'perKeySeries',
] as const satisfies ReadonlyArray<keyof RegisterBulkheadOtelMetricsOptions>;

const ATTRIBUTE_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_.-]*$/;

function validateMeter(value: unknown): Meter {
  const candidate = value as Partial<Meter> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.createHistogram !== 'function' ||
    typeof candidate.createObservableGauge !== 'function' ||
    typeof candidate.addBatchObservableCallback !== 'function'
  ) {
    throw new TypeError(`options.meter must be an OpenTelemetry Meter, got ${describeValue(value)}`);
  }
  return value as Meter;
}

/**
 * Validates the options of `registerBulkheadOtelMetrics()`.
 * @throws {TypeError | RangeError} naming the offending option (or the unknown key).
 */
export function resolveOtelMetricsOptions(
  options: RegisterBulkheadOtelMetricsOptions,
): ResolvedOtelMetricsOptions {
  validateOptions(options, OPTION_KEYS);
  const meter =
    options.meter === undefined ? metrics.getMeter(INSTRUMENTATION_SCOPE) : validateMeter(options.meter);
  const constantAttributes =
    options.attributes === undefined
      ? {}
      : validateStringRecord('attributes', options.attributes, {
          pattern: ATTRIBUTE_NAME_PATTERN,
          reserved: Object.values(BULKHEAD_ATTRIBUTES),
        });
  const waitBuckets = validateBuckets('waitBuckets', options.waitBuckets ?? DEFAULT_WAIT_BUCKETS);
  const durationBuckets = validateBuckets(
    'durationBuckets',
    options.durationBuckets ?? DEFAULT_DURATION_BUCKETS,
  );
  const recordHistograms = validateBoolean('histograms', options.histograms ?? true);
  const perKeySeriesMaxKeys = validatePerKeySeries(options.perKeySeries);
  const source = resolveSource(options.source);
  return {
    meter,
    constantAttributes,
    waitBuckets,
    durationBuckets,
    recordHistograms,
    perKeySeriesMaxKeys,
    source,
  };
}
