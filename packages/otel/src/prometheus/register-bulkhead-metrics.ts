import { type Bulkhead, BulkheadError } from '@x/bulkhead-core';
import type { Metric } from 'prom-client';
import { BulkheadTracker } from '../internal/bulkhead-source.js';
import { CallTally, type TallyBuckets } from '../internal/call-tally.js';
import { isKeyedState, isPartitionedState, partitionRows } from '../internal/compartment-labels.js';
import { PartitionTallies } from '../internal/partition-tallies.js';
import { KeySeriesSelection } from '../internal/per-key-series.js';
import {
  createBulkheadCollectors,
  type Labels,
  type StateSample,
  type TallySample,
} from './bulkhead-collectors.js';
import { liveRegistrations } from './live-registrations.js';
import { PER_KEY_METRIC_KEYS, PROMETHEUS_METRIC_NAMES, type PrometheusMetricKey } from './metric-names.js';
import {
  type PrometheusRegistry,
  type RegisterBulkheadMetricsOptions,
  resolvePrometheusOptions,
} from './prometheus-options.js';

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

interface TrackedBulkhead extends TallySample {
  /** Labels of each partition (with `partition`), fixed with the partitions. */
  readonly partitionLabels: ReadonlyMap<string, Labels>;
  /** Keyed bulkheads with `perKeySeries`: which keys get series. */
  readonly keySelection: KeySeriesSelection | undefined;
  readonly detach: () => void;
}

function track(
  bulkhead: Bulkhead,
  labels: Labels,
  buckets: TallyBuckets,
  perKeySeriesMaxKeys: number,
): TrackedBulkhead {
  const state = bulkhead.getState();
  const tally = new CallTally(buckets);
  const partitionTallies = isPartitionedState(state)
    ? new PartitionTallies(Object.keys(state.partitions), buckets)
    : undefined;
  const partitionLabels = new Map<string, Labels>();
  const partitions: Array<{ labels: Labels; tally: CallTally }> = [];
  for (const [partition, partitionTally] of partitionTallies?.entries() ?? []) {
    const withPartition = Object.freeze({ ...labels, partition });
    partitionLabels.set(partition, withPartition);
    partitions.push({ labels: withPartition, tally: partitionTally });
  }
  return {
    labels,
    tally,
    partitions,
    partitionLabels,
    keySelection:
      perKeySeriesMaxKeys > 0 && isKeyedState(state)
        ? new KeySeriesSelection(perKeySeriesMaxKeys, 'drop')
        : undefined,
    detach: tally.attach(bulkhead, partitionTallies),
  };
}

const registrations = new WeakMap<object, PrometheusRegistration>();

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
    const { registry, prefix, constantLabels, buckets, refresh, perKeySeriesMaxKeys, source } =
      resolvePrometheusOptions(options);
    this.registry = registry;
    this.#refresh = refresh;
    if (registrations.has(registry)) {
      throw new BulkheadError(
        'registerBulkheadMetrics() was already called for this prom-client registry; ' +
          'call unregister() on the handle it returned before registering again',
      );
    }
    const name = (key: PrometheusMetricKey): string => `${prefix}${PROMETHEUS_METRIC_NAMES[key]}`;
    const names = (Object.keys(PROMETHEUS_METRIC_NAMES) as PrometheusMetricKey[])
      .filter((key) => perKeySeriesMaxKeys > 0 || !PER_KEY_METRIC_KEYS.includes(key))
      .map(name);
    for (const fullName of names) {
      if (registry.getSingleMetric(fullName) !== undefined) {
        throw new BulkheadError(
          `The prom-client registry already has a metric named '${fullName}'; ` +
            'pass options.prefix to register the bulkhead metrics under other names',
        );
      }
    }
    this.metricNames = Object.freeze(names);
    this.#metrics = createBulkheadCollectors({
      name,
      labelNames: ['bulkhead', 'type', ...Object.keys(constantLabels)],
      perKeySeries: perKeySeriesMaxKeys > 0,
      states: () => this.#samples(),
      tallies: () => this.#tracker.values(),
    });
    this.#tracker = new BulkheadTracker<TrackedBulkhead>(source, {
      create: (bulkhead) =>
        track(
          bulkhead,
          Object.freeze({ bulkhead: bulkhead.name, type: bulkhead.type, ...constantLabels }),
          buckets,
          perKeySeriesMaxKeys,
        ),
      dispose: (entry) => entry.detach(),
    });
    for (const [, metric] of this.#metrics) registry.registerMetric(metric as Metric);
    registrations.set(registry, this);
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
      const state = bulkhead.getState();
      const partitions = isPartitionedState(state)
        ? partitionRows(state).flatMap(([partition, partitionState]) => {
            const labels = entry.partitionLabels.get(partition);
            return labels === undefined ? [] : [{ labels, state: partitionState }];
          })
        : [];
      const keys =
        entry.keySelection !== undefined && isKeyedState(state)
          ? entry.keySelection.select(state).map(([key, keyState]) => ({
              labels: { ...entry.labels, key },
              state: keyState,
            }))
          : [];
      samples.push({ labels: entry.labels, state, partitions, keys });
    }
    return samples;
  }
}

/**
 * Exposes every bulkhead of `options.source` in a prom-client registry: gauges read at scrape
 * time, counters and histograms aggregated cheaply per call and handed over at scrape time.
 * @throws {TypeError | RangeError} for invalid options (the message names the option).
 * @throws {BulkheadError} (code `BULKHEAD_ERROR`) if this registry already has the bulkhead metrics (or a metric of the same name).
 */
export function registerBulkheadMetrics(options: RegisterBulkheadMetricsOptions): BulkheadMetrics {
  return new PrometheusRegistration(options);
}
