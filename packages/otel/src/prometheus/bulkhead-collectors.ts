import type { BulkheadState, KeyState, PartitionState } from '@x/bulkhead-core';
import { Counter, Gauge } from 'prom-client';
import { callsByOutcome } from '../internal/call-statistics.js';
import type { CallTally } from '../internal/call-tally.js';
import { isKeyedState } from '../internal/compartment-labels.js';
import { CALL_OUTCOMES, REJECTION_REASONS } from '../internal/outcome-index.js';
import { createCompartmentCollectors } from './compartment-collectors.js';
import { PROMETHEUS_METRIC_HELP, type PrometheusMetricKey } from './metric-names.js';
import { ScrapeHistogram } from './scrape-histogram.js';

/** Label values of one series. */
export type Labels = Readonly<Record<string, string>>;

/** One bulkhead's state in a scrape, with its partitions' and (opt-in) keys' rows. */
export interface StateSample {
  readonly labels: Labels;
  readonly state: BulkheadState;
  /** Partitioned bulkheads: each partition's counters, under labels with `partition`. */
  readonly partitions: ReadonlyArray<{ readonly labels: Labels; readonly state: PartitionState }>;
  /** Keyed bulkheads with `perKeySeries`: the chosen keys' counters, under labels with `key`. */
  readonly keys: ReadonlyArray<{ readonly labels: Labels; readonly state: KeyState }>;
}

/** One bulkhead's event tallies, with its partitions' (labels with `partition`). */
export interface TallySample {
  readonly labels: Labels;
  readonly tally: CallTally;
  readonly partitions: ReadonlyArray<{ readonly labels: Labels; readonly tally: CallTally }>;
}

/** What the collectors read at scrape time. */
export interface CollectorSources {
  /** Full metric name of a family (prefix applied). */
  readonly name: (key: PrometheusMetricKey) => string;
  /** `bulkhead`, `type` and the constant label names. */
  readonly labelNames: readonly string[];
  /** Whether the `key`-labelled families are registered (`perKeySeries`). */
  readonly perKeySeries: boolean;
  /** States of the tracked bulkheads for this scrape. */
  readonly states: () => Iterable<StateSample>;
  /** Tallies of the tracked bulkheads. */
  readonly tallies: () => Iterable<TallySample>;
}

type GaugeKey =
  | 'activeCalls'
  | 'maxConcurrentCalls'
  | 'waitingCalls'
  | 'availablePermits'
  | 'utilizationRatio'
  | 'queueCapacity'
  | 'poolSize'
  | 'liveKeys'
  | 'maxKeys';

const GAUGE_VALUES: ReadonlyArray<readonly [GaugeKey, (state: BulkheadState) => number | undefined]> = [
  ['activeCalls', (state) => state.activeCount],
  ['maxConcurrentCalls', (state) => state.maxConcurrent],
  ['waitingCalls', (state) => state.waitingCount],
  ['availablePermits', (state) => state.availablePermits],
  ['utilizationRatio', (state) => state.utilizationPercent / 100],
  ['queueCapacity', (state) => state.queueCapacity],
  ['poolSize', (state) => state.poolSize],
  ['liveKeys', (state) => (isKeyedState(state) ? state.keyCount : undefined)],
  ['maxKeys', (state) => (isKeyedState(state) ? state.maxKeys : undefined)],
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

/** `bulkhead_calls_total{outcome}` and `bulkhead_requested_calls_total`: the call statistics of `getState()`. */
function stateCounters(sources: CollectorSources): Array<readonly [string, Counter]> {
  const calls = new Counter({
    name: sources.name('callsTotal'),
    help: PROMETHEUS_METRIC_HELP.callsTotal,
    labelNames: [...sources.labelNames, 'outcome'],
    registers: [],
    collect(this: Counter) {
      this.reset();
      for (const { labels, state } of sources.states()) {
        const counts = callsByOutcome(state);
        for (let index = 0; index < CALL_OUTCOMES.length; index++) {
          this.inc({ ...labels, outcome: CALL_OUTCOMES[index] as string }, counts[index] as number);
        }
      }
    },
  });
  const requested = new Counter({
    name: sources.name('requestedCallsTotal'),
    help: PROMETHEUS_METRIC_HELP.requestedCallsTotal,
    labelNames: sources.labelNames,
    registers: [],
    collect(this: Counter) {
      this.reset();
      for (const { labels, state } of sources.states()) this.inc(labels, state.totalCalls);
    },
  });
  return [
    [sources.name('callsTotal'), calls],
    [sources.name('requestedCallsTotal'), requested],
  ];
}

/** `bulkhead_rejections_total{reason}`: state has no reasons, so this one is tallied from `rejected` events. */
function rejectionCounter(sources: CollectorSources): Counter {
  return new Counter({
    name: sources.name('rejectionsTotal'),
    help: PROMETHEUS_METRIC_HELP.rejectionsTotal,
    labelNames: [...sources.labelNames, 'reason'],
    registers: [],
    collect(this: Counter) {
      this.reset();
      for (const { labels, tally } of sources.tallies()) {
        for (let index = 0; index < REJECTION_REASONS.length; index++) {
          this.inc(
            { ...labels, reason: REJECTION_REASONS[index] as string },
            tally.rejections[index] as number,
          );
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
 * Builds every metric family (the partition and key families of `compartment-collectors.ts` included), keyed by full name: prom-client gauges and counters filled in
 * `collect()`, and scrape-time histograms, all reading `sources` only when scraped.
 */
export function createBulkheadCollectors(sources: CollectorSources): Array<readonly [string, object]> {
  const metrics: Array<readonly [string, object]> = GAUGE_VALUES.map(
    ([key, pick]) => [sources.name(key), gauge(sources, key, pick)] as const,
  );
  metrics.push(
    ...stateCounters(sources),
    [sources.name('rejectionsTotal'), rejectionCounter(sources)],
    [sources.name('waitSeconds'), histogram(sources, 'waitSeconds')],
    [sources.name('callDurationSeconds'), histogram(sources, 'callDurationSeconds')],
    ...createCompartmentCollectors(sources),
  );
  return metrics;
}
