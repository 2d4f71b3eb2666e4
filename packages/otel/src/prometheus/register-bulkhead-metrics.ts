import type { Bulkhead, BulkheadState } from '@x/bulkhead-core';
import type { Metric, OpenMetricsContentType, PrometheusContentType, Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import { type BulkheadSource, BulkheadTracker, resolveSource } from '../internal/bulkhead-source.js';
import { CallTally } from '../internal/call-tally.js';
import { DEFAULT_DURATION_BUCKETS, DEFAULT_WAIT_BUCKETS } from '../internal/default-buckets.js';
import { describe } from '../internal/describe.js';
import { CALL_OUTCOMES, REJECTION_REASONS } from '../internal/outcome-index.js';
import {
  validateBuckets,
  validateOptionsObject,
  validateStringRecord,
} from '../internal/validate-options.js';
import { liveRegistrations } from './live-registrations.js';
import { PROMETHEUS_METRIC_HELP, PROMETHEUS_METRIC_NAMES, type PrometheusMetricKey } from './metric-names.js';
import { type HistogramSeries, ScrapeHistogram } from './scrape-histogram.js';

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
   * When gauges read the bulkheads: `scrape` (default) in `collect()` at every scrape; `update` only
   * on `updateBulkheadMetrics()` / the metrics updater, for push setups that want sampled values.
   */
  refresh?: 'scrape' | 'update';
}

/** Handle returned by `registerBulkheadMetrics()`. */
export interface BulkheadMetrics {
  /** The registry the metrics live in. */
  readonly registry: PrometheusRegistry;
  /** Full names of the registered metric families. */
  readonly metricNames: readonly string[];
  /** Samples every bulkhead's state into the gauges now (what `refresh: 'update'` gauges report). */
  update(): void;
  /** Removes the metrics from the registry and stops listening to bulkheads and the source. Idempotent. */
  unregister(): void;
}

interface TrackedBulkhead {
  readonly labels: Readonly<Record<string, string>>;
  readonly tally: CallTally;
  readonly detach: () => void;
}

interface StateSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: BulkheadState;
}

type GaugeKey = Exclude<
  PrometheusMetricKey,
  'callsTotal' | 'rejectionsTotal' | 'waitSeconds' | 'callDurationSeconds'
>;

const GAUGE_VALUES: ReadonlyArray<readonly [GaugeKey, (state: BulkheadState) => number | undefined]> = [
  ['activeCalls', (state) => state.activeCount],
  ['maxConcurrentCalls', (state) => state.maxConcurrent],
  ['waitingCalls', (state) => state.waitingCount],
  ['availablePermits', (state) => state.availablePermits],
  ['utilizationRatio', (state) => state.utilizationPercent / 100],
  ['queueCapacity', (state) => state.queueCapacity],
  ['poolSize', (state) => state.poolSize],
];

const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_PATTERN = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS = ['bulkhead', 'type', 'outcome', 'reason', 'le'] as const;

const registrations = new WeakMap<object, PrometheusRegistration>();

function validateRegistry(value: unknown): PrometheusRegistry {
  const candidate = value as Partial<Registry> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.registerMetric !== 'function' ||
    typeof candidate.getSingleMetric !== 'function' ||
    typeof candidate.removeSingleMetric !== 'function'
  ) {
    throw new TypeError(`options.registry must be a prom-client Registry, got ${describe(value)}`);
  }
  return value as PrometheusRegistry;
}

function validatePrefix(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string')
    throw new TypeError(`options.prefix must be a string, got ${describe(value)}`);
  if (value !== '' && !METRIC_NAME_PATTERN.test(value)) {
    throw new RangeError(`options.prefix must match ${METRIC_NAME_PATTERN} (e.g. 'myapp_'), got '${value}'`);
  }
  return value;
}

function validateRefresh(value: unknown): 'scrape' | 'update' {
  if (value === undefined) return 'scrape';
  if (value !== 'scrape' && value !== 'update') {
    throw new RangeError(`options.refresh must be 'scrape' or 'update', got ${describe(value)}`);
  }
  return value;
}

class PrometheusRegistration implements BulkheadMetrics {
  readonly registry: PrometheusRegistry;
  readonly metricNames: readonly string[];
  readonly #refresh: 'scrape' | 'update';
  readonly #tracker: BulkheadTracker<TrackedBulkhead>;
  readonly #metrics: ReadonlyArray<readonly [string, object]>;
  #scrapeSamples: StateSample[] | undefined;
  #updatedSamples: StateSample[] = [];
  #registered = true;

  constructor(options: RegisterBulkheadMetricsOptions) {
    validateOptionsObject(options);
    this.registry = validateRegistry(options.registry);
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
    this.#refresh = validateRefresh(options.refresh);
    const source = resolveSource(options.source);

    if (registrations.has(this.registry)) {
      throw new Error(
        'registerBulkheadMetrics() was already called for this prom-client registry; ' +
          'call unregister() on the handle it returned before registering again',
      );
    }
    const name = (key: PrometheusMetricKey): string => `${prefix}${PROMETHEUS_METRIC_NAMES[key]}`;
    const names = (Object.keys(PROMETHEUS_METRIC_NAMES) as PrometheusMetricKey[]).map(name);
    for (const fullName of names) {
      if (this.registry.getSingleMetric(fullName) !== undefined) {
        throw new Error(
          `The prom-client registry already has a metric named '${fullName}'; ` +
            'pass options.prefix to register the bulkhead metrics under other names',
        );
      }
    }
    this.metricNames = Object.freeze(names);

    const labelNames = ['bulkhead', 'type', ...Object.keys(constantLabels)];
    const metrics: Array<readonly [string, object]> = [];
    const states = (): StateSample[] => this.#samples();
    for (const [key, pick] of GAUGE_VALUES) {
      const gauge = new Gauge({
        name: name(key),
        help: PROMETHEUS_METRIC_HELP[key],
        labelNames,
        registers: [],
        collect(this: Gauge) {
          this.reset();
          for (const { labels, state } of states()) {
            const value = pick(state);
            if (value !== undefined) this.set(labels, value);
          }
        },
      });
      metrics.push([name(key), gauge] as const);
    }
    const tracked = (): IterableIterator<[Bulkhead, TrackedBulkhead]> => this.#tracker.entries();
    const counter = (
      key: 'callsTotal' | 'rejectionsTotal',
      labelName: 'outcome' | 'reason',
      values: readonly string[],
    ): Counter => {
      const pickCounts = (entry: TrackedBulkhead): Float64Array =>
        key === 'callsTotal' ? entry.tally.calls : entry.tally.rejections;
      return new Counter({
        name: name(key),
        help: PROMETHEUS_METRIC_HELP[key],
        labelNames: [...labelNames, labelName],
        registers: [],
        collect(this: Counter) {
          this.reset();
          for (const [, entry] of tracked()) {
            const counts = pickCounts(entry);
            for (let index = 0; index < values.length; index++) {
              this.inc({ ...entry.labels, [labelName]: values[index] as string }, counts[index] as number);
            }
          }
        },
      });
    };
    const calls = counter('callsTotal', 'outcome', CALL_OUTCOMES);
    const rejections = counter('rejectionsTotal', 'reason', REJECTION_REASONS);
    metrics.push([name('callsTotal'), calls], [name('rejectionsTotal'), rejections]);
    const histogram = (key: 'waitSeconds' | 'callDurationSeconds'): ScrapeHistogram =>
      new ScrapeHistogram({
        name: name(key),
        help: PROMETHEUS_METRIC_HELP[key],
        *series(): Generator<HistogramSeries> {
          for (const [, entry] of tracked()) {
            yield {
              labels: entry.labels,
              tally: key === 'waitSeconds' ? entry.tally.wait : entry.tally.duration,
            };
          }
        },
      });
    const wait = histogram('waitSeconds');
    const duration = histogram('callDurationSeconds');
    metrics.push([wait.name, wait], [duration.name, duration]);
    this.#metrics = metrics;

    this.#tracker = new BulkheadTracker<TrackedBulkhead>(source, {
      create: (bulkhead) => {
        const tally = new CallTally(buckets);
        return {
          labels: Object.freeze({ bulkhead: bulkhead.name, type: bulkhead.type, ...constantLabels }),
          tally,
          detach: tally.attach(bulkhead),
        };
      },
      dispose: (entry) => entry.detach(),
    });
    for (const [, metric] of metrics) this.registry.registerMetric(metric as Metric);
    registrations.set(this.registry, this);
    liveRegistrations.add(this);
  }

  update(): void {
    if (this.#registered) this.#updatedSamples = this.#sampleNow();
  }

  unregister(): void {
    if (!this.#registered) return;
    this.#registered = false;
    for (const [metricName, metric] of this.#metrics) {
      if (this.registry.getSingleMetric(metricName) === metric) this.registry.removeSingleMetric(metricName);
    }
    this.#tracker.close();
    this.#updatedSamples = [];
    if (registrations.get(this.registry) === this) registrations.delete(this.registry);
    liveRegistrations.delete(this);
  }

  /** One consistent sample per scrape: every gauge of one `registry.metrics()` call reads the same states. */
  #samples(): StateSample[] {
    if (this.#refresh === 'update') return this.#updatedSamples;
    if (this.#scrapeSamples === undefined) {
      this.#scrapeSamples = this.#sampleNow();
      queueMicrotask(() => {
        this.#scrapeSamples = undefined;
      });
    }
    return this.#scrapeSamples;
  }

  #sampleNow(): StateSample[] {
    const samples: StateSample[] = [];
    for (const [bulkhead, entry] of this.#tracker.entries()) {
      samples.push({ labels: entry.labels, state: bulkhead.getState() });
    }
    return samples;
  }
}

/**
 * Exposes every bulkhead of `options.source` in a prom-client registry: gauges read at scrape
 * time, counters and histograms aggregated cheaply per call and handed over at scrape time.
 * @throws {TypeError | RangeError} for invalid options (the message names the option).
 * @throws {Error} if this registry already has the bulkhead metrics (or a metric of the same name).
 */
export function registerBulkheadMetrics(options: RegisterBulkheadMetricsOptions): BulkheadMetrics {
  return new PrometheusRegistration(options);
}
