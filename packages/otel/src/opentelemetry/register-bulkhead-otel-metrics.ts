import {
  type Attributes,
  type BatchObservableCallback,
  createNoopMeter,
  type Histogram,
  type Observable,
  type ObservableCounter,
  type ObservableGauge,
} from '@opentelemetry/api';
import type { BulkheadState } from '@x/bulkhead-core';
import { BulkheadTracker } from '../internal/bulkhead-source.js';
import { callsByOutcome } from '../internal/call-statistics.js';
import { CALL_OUTCOMES, REJECTION_REASONS, reasonIndex } from '../internal/outcome-index.js';
import { BULKHEAD_ATTRIBUTES } from './attribute-names.js';
import { CompartmentInstruments, type CompartmentTracking } from './compartment-instruments.js';
import { OTEL_METRIC_NAMES } from './metric-names.js';
import {
  type RegisterBulkheadOtelMetricsOptions,
  resolveOtelMetricsOptions,
} from './otel-metrics-options.js';

/** Handle returned by `registerBulkheadOtelMetrics()`. */
export interface BulkheadOtelMetrics {
  /** False when the meter is the no-op meter (no SDK): nothing was created and calls pay nothing. */
  readonly enabled: boolean;
  /** Removes the observable callback and stops listening to bulkheads and the source. Idempotent. */
  unregister(): void;
}

interface TrackedBulkhead {
  readonly attributes: Attributes;
  readonly outcomeAttributes: readonly Attributes[];
  readonly reasonAttributes: readonly Attributes[];
  readonly rejections: Float64Array;
  /** Partitioned bulkheads, and keyed ones with `perKeySeries`. */
  readonly compartment: CompartmentTracking | undefined;
  readonly detach: () => void;
}

type GaugeKey =
  | 'activeCalls'
  | 'maxConcurrentCalls'
  | 'waitingCalls'
  | 'availablePermits'
  | 'utilization'
  | 'queueCapacity'
  | 'poolSize';

const GAUGES: ReadonlyArray<
  readonly [GaugeKey, string, string, (state: BulkheadState) => number | undefined]
> = [
  ['activeCalls', '{call}', 'Calls holding a permit now.', (state) => state.activeCount],
  ['maxConcurrentCalls', '{call}', 'Calls the bulkhead admits at once.', (state) => state.maxConcurrent],
  ['waitingCalls', '{call}', 'Calls waiting in the queue now.', (state) => state.waitingCount],
  ['availablePermits', '{permit}', 'Permits free now.', (state) => state.availablePermits],
  [
    'utilization',
    '1',
    'Active calls divided by the limit (0 to 1).',
    (state) => state.utilizationPercent / 100,
  ],
  ['queueCapacity', '{task}', 'Thread pools: bound on queued tasks.', (state) => state.queueCapacity],
  ['poolSize', '{worker}', 'Thread pools: live workers.', (state) => state.poolSize],
];

const DISABLED: BulkheadOtelMetrics = Object.freeze({ enabled: false, unregister: () => {} });

/**
 * Reports every bulkhead of `options.source` through an OpenTelemetry `Meter`: observable gauges
 * and counters read at collection time, histograms recorded per call. With the no-op meter (no
 * SDK) it creates nothing and subscribes to nothing.
 * @throws {TypeError | RangeError} for invalid options (the message names the option).
 */
export function registerBulkheadOtelMetrics(
  options: RegisterBulkheadOtelMetricsOptions = {},
): BulkheadOtelMetrics {
  const {
    meter,
    constantAttributes,
    waitBuckets,
    durationBuckets,
    recordHistograms,
    perKeySeriesMaxKeys,
    source,
  } = resolveOtelMetricsOptions(options);
  if (meter === createNoopMeter()) return DISABLED;

  const gauges = GAUGES.map(
    ([key, unit, description, pick]) =>
      [meter.createObservableGauge(OTEL_METRIC_NAMES[key], { unit, description }), pick] as const,
  );
  const calls: ObservableCounter = meter.createObservableCounter(OTEL_METRIC_NAMES.calls, {
    unit: '{call}',
    description:
      'Calls through the bulkhead by outcome (success, failure, rejected, timeout), as getState() counts them.',
  });
  const requestedCalls: ObservableCounter = meter.createObservableCounter(OTEL_METRIC_NAMES.requestedCalls, {
    unit: '{call}',
    description:
      'Calls that asked the bulkhead for a permit: admitted plus rejected (getState().totalCalls).',
  });
  const rejections: ObservableCounter = meter.createObservableCounter(OTEL_METRIC_NAMES.rejections, {
    unit: '{call}',
    description:
      'Calls the bulkhead refused by reason (queue_full, queue_timeout, aborted, shutdown, dropped, unavailable).',
  });
  const histogram = (name: string, description: string, buckets: Float64Array): Histogram | undefined =>
    recordHistograms
      ? meter.createHistogram(name, {
          unit: 's',
          description,
          advice: { explicitBucketBoundaries: [...buckets] },
        })
      : undefined;
  const waitHistogram = histogram(
    OTEL_METRIC_NAMES.waitDuration,
    'Seconds admitted calls waited for a permit.',
    waitBuckets,
  );
  const durationHistogram = histogram(
    OTEL_METRIC_NAMES.callDuration,
    'Seconds admitted calls held their permit.',
    durationBuckets,
  );

  const compartments = new CompartmentInstruments(meter, {
    recordHistograms,
    waitBuckets,
    durationBuckets,
    perKeySeriesMaxKeys,
  });

  const tracker = new BulkheadTracker<TrackedBulkhead>(source, {
    create: (bulkhead) => {
      const attributes: Attributes = Object.freeze({
        [BULKHEAD_ATTRIBUTES.name]: bulkhead.name,
        [BULKHEAD_ATTRIBUTES.type]: bulkhead.type,
        ...constantAttributes,
      });
      const tracked = {
        attributes,
        outcomeAttributes: CALL_OUTCOMES.map((outcome) =>
          Object.freeze({ ...attributes, [BULKHEAD_ATTRIBUTES.outcome]: outcome }),
        ),
        reasonAttributes: REJECTION_REASONS.map((reason) =>
          Object.freeze({ ...attributes, [BULKHEAD_ATTRIBUTES.rejectionReason]: reason }),
        ),
        rejections: new Float64Array(REJECTION_REASONS.length),
        compartment: compartments.track(bulkhead.getState(), attributes),
      };
      const { compartment } = tracked;
      const partitioned = compartment !== undefined && compartment.partitions.size > 0;
      // Calls by outcome come from getState(); only the histograms need `finished` events.
      const offFinished =
        waitHistogram === undefined || durationHistogram === undefined
          ? undefined
          : bulkhead.on('finished', (event) => {
              waitHistogram.record(event.waitTime / 1000, attributes);
              durationHistogram.record(event.duration / 1000, attributes);
              if (partitioned) compartments.recordFinished(compartment, event);
            });
      const offRejected = bulkhead.on('rejected', (event) => {
        const index = reasonIndex(event.reason);
        tracked.rejections[index] = (tracked.rejections[index] as number) + 1;
        if (partitioned) compartments.recordRejected(compartment, event);
      });
      return {
        ...tracked,
        detach: () => {
          offFinished?.();
          offRejected();
        },
      };
    },
    dispose: (entry) => entry.detach(),
  });

  const observables: Observable[] = [
    ...gauges.map(([gauge]) => gauge as ObservableGauge),
    calls,
    requestedCalls,
    rejections,
    ...compartments.observables,
  ];
  const callback: BatchObservableCallback = (result) => {
    for (const [bulkhead, entry] of tracker.entries()) {
      const state = bulkhead.getState();
      for (const [gauge, pick] of gauges) {
        const value = pick(state);
        if (value !== undefined) result.observe(gauge, value, entry.attributes);
      }
      const counts = callsByOutcome(state);
      for (let index = 0; index < counts.length; index++) {
        result.observe(calls, counts[index] as number, entry.outcomeAttributes[index]);
      }
      result.observe(requestedCalls, state.totalCalls, entry.attributes);
      for (let index = 0; index < entry.rejections.length; index++) {
        result.observe(rejections, entry.rejections[index] as number, entry.reasonAttributes[index]);
      }
      compartments.observe(result, entry.compartment, state, entry.attributes);
    }
  };
  meter.addBatchObservableCallback(callback, observables);

  let registered = true;
  return {
    enabled: true,
    unregister: () => {
      if (!registered) return;
      registered = false;
      meter.removeBatchObservableCallback(callback, observables);
      tracker.close();
    },
  };
}
