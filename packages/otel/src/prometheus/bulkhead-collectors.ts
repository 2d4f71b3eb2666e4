import type { BulkheadState } from '@x/bulkhead-core';
import { Counter, Gauge } from 'prom-client';
import type { CallTally } from '../internal/call-tally.js';
import { CALL_OUTCOMES, REJECTION_REASONS } from '../internal/outcome-index.js';
import { PROMETHEUS_METRIC_HELP, type PrometheusMetricKey } from './metric-names.js';
import { ScrapeHistogram } from './scrape-histogram.js';

type Labels = Readonly<Record<string, string>>;

/** What the collectors read at scrape time. */
export interface CollectorSources {
  /** Full metric name of a family (prefix applied). */
  readonly name: (key: PrometheusMetricKey) => string;
  /** `bulkhead`, `type` and the constant label names. */
  readonly labelNames: readonly string[];
  /** States of the tracked bulkheads for this scrape. */
  readonly states: () => Iterable<{ readonly labels: Labels; readonly state: BulkheadState }>;
  /** Tallies of the tracked bulkheads. */
  readonly tallies: () => Iterable<{ readonly labels: Labels; readonly tally: CallTally }>;
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

function gauge(sources: CollectorSources, key: GaugeKey, pick: (state: BulkheadState) => number | undefined) {
  return new Gauge({
    name: sources.name(key),
    help: PROMETHEUS_METRIC_HELP[key],
    labelNames: sources.labelNames,
    registers: [],
    collect(this: Gauge) {
      this.reset();
      for (const { labels, state } of sources.states()) {
        const value = pick(state);
        if (value !== undefined) this.set(labels, value);
      }
    },
  });
}

function counter(
  sources: CollectorSources,
  key: 'callsTotal' | 'rejectionsTotal',
  labelName: 'outcome' | 'reason',
  values: readonly string[],
) {
  return new Counter({
    name: sources.name(key),
    help: PROMETHEUS_METRIC_HELP[key],
    labelNames: [...sources.labelNames, labelName],
    registers: [],
    collect(this: Counter) {
      this.reset();
      for (const { labels, tally } of sources.tallies()) {
        const counts = key === 'callsTotal' ? tally.calls : tally.rejections;
        for (let index = 0; index < values.length; index++) {
          this.inc({ ...labels, [labelName]: values[index] as string }, counts[index] as number);
        }
      }
    },
  });
}

function histogram(sources: CollectorSources, key: 'waitSeconds' | 'callDurationSeconds'): ScrapeHistogram {
  return new ScrapeHistogram({
    name: sources.name(key),
    help: PROMETHEUS_METRIC_HELP[key],
    *series() {
      for (const { labels, tally } of sources.tallies()) {
        yield { labels, tally: key === 'waitSeconds' ? tally.wait : tally.duration };
      }
    },
  });
}

/**
 * Builds every metric family, keyed by full name: prom-client gauges and counters filled in
 * `collect()`, and scrape-time histograms, all reading `sources` only when scraped.
 */
export function createBulkheadCollectors(sources: CollectorSources): Array<readonly [string, object]> {
  const metrics: Array<readonly [string, object]> = GAUGE_VALUES.map(
    ([key, pick]) => [sources.name(key), gauge(sources, key, pick)] as const,
  );
  metrics.push(
    [sources.name('callsTotal'), counter(sources, 'callsTotal', 'outcome', CALL_OUTCOMES)],
    [sources.name('rejectionsTotal'), counter(sources, 'rejectionsTotal', 'reason', REJECTION_REASONS)],
    [sources.name('waitSeconds'), histogram(sources, 'waitSeconds')],
    [sources.name('callDurationSeconds'), histogram(sources, 'callDurationSeconds')],
  );
  return metrics;
}
