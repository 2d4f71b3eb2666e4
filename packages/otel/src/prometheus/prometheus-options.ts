import { describeValue, validateName } from '@x/bulkhead-core/extension';
import type { OpenMetricsContentType, PrometheusContentType, Registry } from 'prom-client';
import { type BulkheadSource, type ResolvedSource, resolveSource } from '../internal/bulkhead-source.js';
import type { TallyBuckets } from '../internal/call-tally.js';
import { DEFAULT_DURATION_BUCKETS, DEFAULT_WAIT_BUCKETS } from '../internal/default-buckets.js';
import { type PerKeySeriesOption, validatePerKeySeries } from '../internal/per-key-series.js';
import { validateBuckets, validateOptions, validateStringRecord } from '../internal/validate-options.js';

/** A prom-client registry (text or OpenMetrics content type). */
export type PrometheusRegistry = Registry<PrometheusContentType> | Registry<OpenMetricsContentType>;

/** Options of `registerBulkheadMetrics()`. */
export interface RegisterBulkheadMetricsOptions {
  /** The prom-client registry to register into; prom-client's global registry is used only if you pass it. */
  registry: PrometheusRegistry;
  /** Prepended to every metric name, e.g. `myapp_` (default: none). */
  prefix?: string;
  /** Constant labels added to every series. */
  labels?: Readonly<Record<string, string>>;
  /** A registry of bulkheads (followed as it changes) or a fixed list; default `getBulkheadRegistry()`. */
  source?: BulkheadSource;
  /** Upper bounds in seconds of `bulkhead_wait_seconds` buckets. */
  waitBuckets?: readonly number[];
  /** Upper bounds in seconds of `bulkhead_call_duration_seconds` buckets. */
  durationBuckets?: readonly number[];
  /**
   * When gauges and the call counters read `getState()`: `scrape` (default) in `collect()` at every
   * scrape; `update` only on `updateBulkheadMetrics()` / the metrics updater, for push setups that
   * want sampled values.
   */
  refresh?: 'scrape' | 'update';
  /**
   * Keyed bulkheads: also export `bulkhead_key_*` series labelled `key` (default false: aggregated over
   * keys only, cardinality-safe). `true` caps them at 100 keys per bulkhead, `{ maxKeys }` at your cap;
   * evicted keys lose their series. Needs `perKeyState: true` on the `KeyedBulkhead`.
   */
  perKeySeries?: PerKeySeriesOption;
}

/** Options after validation, defaults applied. */
export interface ResolvedPrometheusOptions {
  readonly registry: PrometheusRegistry;
  readonly prefix: string;
  readonly constantLabels: Readonly<Record<string, string>>;
  readonly buckets: TallyBuckets;
  readonly refresh: 'scrape' | 'update';
  /** Cap on keyed series per keyed bulkhead; 0: no per-key series. */
  readonly perKeySeriesMaxKeys: number;
  readonly source: ResolvedSource;
}

const OPTION_KEYS = [
  'registry',
  'prefix',
  'labels',
  'source',
  'waitBuckets',
  'durationBuckets',
  'refresh',
  'perKeySeries',
] as const satisfies ReadonlyArray<keyof RegisterBulkheadMetricsOptions>;

const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_PATTERN = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS = ['bulkhead', 'type', 'outcome', 'reason', 'partition', 'key', 'le'] as const;

function validateRegistry(value: unknown): PrometheusRegistry {
  const candidate = value as Partial<Registry> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.registerMetric !== 'function' ||
    typeof candidate.getSingleMetric !== 'function' ||
    typeof candidate.removeSingleMetric !== 'function'
  ) {
    throw new TypeError(`options.registry must be a prom-client Registry, got ${describeValue(value)}`);
  }
  return value as PrometheusRegistry;
}

function validatePrefix(value: unknown): string {
  if (value === undefined || value === '') return '';
  const prefix = validateName('options.prefix', value);
  if (!METRIC_NAME_PATTERN.test(prefix)) {
    throw new RangeError(`options.prefix must match ${METRIC_NAME_PATTERN} (e.g. 'myapp_'), got '${prefix}'`);
  }
  return prefix;
}

function validateRefresh(value: unknown): 'scrape' | 'update' {
  if (value === undefined) return 'scrape';
  if (value !== 'scrape' && value !== 'update') {
    throw new RangeError(`options.refresh must be 'scrape' or 'update', got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Validates the options of `registerBulkheadMetrics()`.
 * @throws {TypeError | RangeError} naming the offending option (or the unknown key).
 */
export function resolvePrometheusOptions(options: RegisterBulkheadMetricsOptions): ResolvedPrometheusOptions {
  validateOptions(options, OPTION_KEYS);
  const registry = validateRegistry(options.registry);
  const prefix = validatePrefix(options.prefix);
  const constantLabels =
    options.labels === undefined
      ? {}
      : validateStringRecord('labels', options.labels, {
          pattern: LABEL_NAME_PATTERN,
          reserved: RESERVED_LABELS,
        });
  const buckets = {
    wait: validateBuckets('waitBuckets', options.waitBuckets ?? DEFAULT_WAIT_BUCKETS),
    duration: validateBuckets('durationBuckets', options.durationBuckets ?? DEFAULT_DURATION_BUCKETS),
  };
  const refresh = validateRefresh(options.refresh);
  const perKeySeriesMaxKeys = validatePerKeySeries(options.perKeySeries);
  return {
    registry,
    prefix,
    constantLabels,
    buckets,
    refresh,
    perKeySeriesMaxKeys,
    source: resolveSource(options.source),
  };
}
