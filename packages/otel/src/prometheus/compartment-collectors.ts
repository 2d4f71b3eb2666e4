import type { KeyState, PartitionState } from '@x/bulkhead-core';
import { Counter, Gauge } from 'prom-client';
import { isKeyedState } from '../internal/compartment-labels.js';
import type { HistogramTally } from '../internal/histogram-tally.js';
import { REJECTION_REASONS } from '../internal/outcome-index.js';
import type { CollectorSources, Labels } from './bulkhead-collectors.js';
import { PROMETHEUS_METRIC_HELP, type PrometheusMetricKey } from './metric-names.js';
import { ScrapeHistogram } from './scrape-histogram.js';

type Row = readonly [Labels, number];

/** A gauge or counter refilled at every scrape from `rows()`. */
function sampled(
  kind: 'gauge' | 'counter',
  sources: CollectorSources,
  key: PrometheusMetricKey,
  labelNames: readonly string[],
  rows: () => Iterable<Row>,
): readonly [string, object] {
  const configuration = {
    name: sources.name(key),
    help: PROMETHEUS_METRIC_HELP[key],
    labelNames,
    registers: [],
  };
  const metric =
    kind === 'gauge'
      ? new Gauge({
          ...configuration,
          collect(this: Gauge) {
            this.reset();
            for (const [labels, value] of rows()) this.set(labels, value);
          },
        })
      : new Counter({
          ...configuration,
          collect(this: Counter) {
            this.reset();
            for (const [labels, value] of rows()) this.inc(labels, value);
          },
        });
  return [sources.name(key), metric];
}

function partitionRows(
  sources: CollectorSources,
  pick: (state: PartitionState) => number,
): () => Iterable<Row> {
  return function* () {
    for (const sample of sources.states()) {
      for (const { labels, state } of sample.partitions) yield [labels, pick(state)];
    }
  };
}

function keyRows(sources: CollectorSources, pick: (state: KeyState) => number): () => Iterable<Row> {
  return function* () {
    for (const sample of sources.states()) {
      for (const { labels, state } of sample.keys) yield [labels, pick(state)];
    }
  };
}

function partitionHistogram(
  sources: CollectorSources,
  key: 'partitionWaitSeconds' | 'partitionCallDurationSeconds',
  pick: (tally: { wait: HistogramTally; duration: HistogramTally }) => HistogramTally,
): readonly [string, object] {
  const metric = new ScrapeHistogram({
    name: sources.name(key),
    help: PROMETHEUS_METRIC_HELP[key],
    *series() {
      for (const sample of sources.tallies()) {
        for (const { labels, tally } of sample.partitions) yield { labels, tally: pick(tally) };
      }
    },
  });
  return [sources.name(key), metric];
}

/**
 * The families of partitioned and keyed bulkheads: `bulkhead_partition_*` (labels plus `partition`, one
 * series per partition and `(unpartitioned)`), the aggregated `bulkhead_evicted_keys_total`, and with
 * `perKeySeries` the `bulkhead_key_*` families (labels plus `key`, at most the cap of keys per bulkhead).
 */
export function createCompartmentCollectors(sources: CollectorSources): Array<readonly [string, object]> {
  const partitionLabels = [...sources.labelNames, 'partition'];
  const metrics: Array<readonly [string, object]> = [
    sampled(
      'gauge',
      sources,
      'partitionActiveCalls',
      partitionLabels,
      partitionRows(sources, (state) => state.active),
    ),
    sampled(
      'gauge',
      sources,
      'partitionWaitingCalls',
      partitionLabels,
      partitionRows(sources, (state) => state.waiting),
    ),
    sampled(
      'gauge',
      sources,
      'partitionGuaranteedPermits',
      partitionLabels,
      partitionRows(sources, (state) => state.guaranteed),
    ),
    sampled(
      'gauge',
      sources,
      'partitionBorrowedPermits',
      partitionLabels,
      partitionRows(sources, (state) => state.borrowed),
    ),
    sampled(
      'counter',
      sources,
      'partitionRejectedCallsTotal',
      partitionLabels,
      partitionRows(sources, (state) => state.rejected),
    ),
    sampled('counter', sources, 'partitionRejectionsTotal', [...partitionLabels, 'reason'], function* () {
      for (const sample of sources.tallies()) {
        for (const { labels, tally } of sample.partitions) {
          for (let index = 0; index < REJECTION_REASONS.length; index++) {
            yield [
              { ...labels, reason: REJECTION_REASONS[index] as string },
              tally.rejections[index] as number,
            ];
          }
        }
      }
    }),
    partitionHistogram(sources, 'partitionWaitSeconds', (tally) => tally.wait),
    partitionHistogram(sources, 'partitionCallDurationSeconds', (tally) => tally.duration),
    sampled('counter', sources, 'evictedKeysTotal', sources.labelNames, function* () {
      for (const { labels, state } of sources.states()) {
        if (isKeyedState(state)) yield [labels, state.evictedKeys];
      }
    }),
  ];
  if (sources.perKeySeries) {
    const keyLabels = [...sources.labelNames, 'key'];
    metrics.push(
      sampled(
        'gauge',
        sources,
        'keyActiveCalls',
        keyLabels,
        keyRows(sources, (state) => state.active),
      ),
      sampled(
        'gauge',
        sources,
        'keyWaitingCalls',
        keyLabels,
        keyRows(sources, (state) => state.waiting),
      ),
      sampled(
        'counter',
        sources,
        'keyRejectedCallsTotal',
        keyLabels,
        keyRows(sources, (state) => state.rejected),
      ),
    );
  }
  return metrics;
}
