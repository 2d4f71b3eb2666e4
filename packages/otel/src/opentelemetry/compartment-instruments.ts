import type {
  Attributes,
  BatchObservableResult,
  Histogram,
  Meter,
  Observable,
  ObservableCounter,
  ObservableGauge,
} from '@opentelemetry/api';
import type {
  BulkheadState,
  FinishedEvent,
  KeyedBulkheadState,
  KeyState,
  PartitionState,
  RejectedEvent,
} from '@x/bulkhead-core';
import {
  isKeyedState,
  isPartitionedState,
  partitionRows,
  UNPARTITIONED_LABEL,
} from '../internal/compartment-labels.js';
import { REJECTION_REASONS, reasonIndex } from '../internal/outcome-index.js';
import { KeySeriesSelection } from '../internal/per-key-series.js';
import { BULKHEAD_ATTRIBUTES } from './attribute-names.js';
import { OTEL_METRIC_NAMES } from './metric-names.js';

/** One partition's attribute sets and rejections by reason (tallied from `rejected` events). */
interface TrackedPartition {
  readonly attributes: Attributes;
  readonly reasonAttributes: readonly Attributes[];
  readonly rejections: Float64Array;
}

/** What the compartment instruments keep per tracked bulkhead. */
export interface CompartmentTracking {
  /** Partitioned bulkheads: by `bulkhead.partition` value, `(unpartitioned)` last; fixed with the partitions. */
  readonly partitions: ReadonlyMap<string, TrackedPartition>;
  /** Keyed bulkheads with `perKeySeries`: which keys get points. */
  readonly keySelection: KeySeriesSelection | undefined;
}

/** Settings of the compartment instruments. */
export interface CompartmentSettings {
  readonly recordHistograms: boolean;
  readonly waitBuckets: Float64Array;
  readonly durationBuckets: Float64Array;
  readonly perKeySeriesMaxKeys: number;
}

type Instruments<State> = ReadonlyArray<
  readonly [ObservableGauge | ObservableCounter, (state: State) => number]
>;

/**
 * The instruments of partitioned and keyed bulkheads: `bulkhead.partition.*` (points with
 * `bulkhead.partition`), the aggregated `bulkhead.keys`/`max_keys`/`evicted_keys`, and with
 * `perKeySeries` the `bulkhead.key.*` points with `bulkhead.key` (capped per bulkhead).
 */
export class CompartmentInstruments {
  readonly observables: Observable[];
  readonly #partitionGauges: Instruments<PartitionState>;
  readonly #partitionRejections: ObservableCounter;
  readonly #keyedGauges: Instruments<KeyedBulkheadState>;
  readonly #keyGauges: Instruments<KeyState>;
  readonly #waitHistogram: Histogram | undefined;
  readonly #durationHistogram: Histogram | undefined;
  readonly #perKeySeriesMaxKeys: number;

  constructor(meter: Meter, settings: CompartmentSettings) {
    const gauge = (name: string, unit: string, description: string) =>
      meter.createObservableGauge(name, { unit, description });
    const counter = (name: string, description: string) =>
      meter.createObservableCounter(name, { unit: '{call}', description });
    this.#partitionGauges = [
      [
        gauge(
          OTEL_METRIC_NAMES.partitionActiveCalls,
          '{call}',
          'Calls of the partition holding a permit now.',
        ),
        (state) => state.active,
      ],
      [
        gauge(OTEL_METRIC_NAMES.partitionWaitingCalls, '{call}', 'Calls of the partition waiting now.'),
        (state) => state.waiting,
      ],
      [
        gauge(
          OTEL_METRIC_NAMES.partitionGuaranteedPermits,
          '{permit}',
          'Permits guaranteed to the partition at the current limit.',
        ),
        (state) => state.guaranteed,
      ],
      [
        gauge(
          OTEL_METRIC_NAMES.partitionBorrowedPermits,
          '{permit}',
          'Permits the partition holds beyond its guarantee.',
        ),
        (state) => state.borrowed,
      ],
      [
        counter(OTEL_METRIC_NAMES.partitionRejectedCalls, 'Calls of the partition refused (getState()).'),
        (state) => state.rejected,
      ],
    ];
    this.#partitionRejections = counter(
      OTEL_METRIC_NAMES.partitionRejections,
      'Calls of the partition refused, by reason.',
    );
    this.#keyedGauges = [
      [gauge(OTEL_METRIC_NAMES.liveKeys, '{key}', 'Keys with a compartment now.'), (state) => state.keyCount],
      [gauge(OTEL_METRIC_NAMES.maxKeys, '{key}', 'Bound on live keys.'), (state) => state.maxKeys],
      [
        meter.createObservableCounter(OTEL_METRIC_NAMES.evictedKeys, {
          unit: '{key}',
          description: 'Compartments evicted.',
        }),
        (state) => state.evictedKeys,
      ],
    ];
    this.#perKeySeriesMaxKeys = settings.perKeySeriesMaxKeys;
    this.#keyGauges =
      settings.perKeySeriesMaxKeys === 0
        ? []
        : [
            [
              gauge(OTEL_METRIC_NAMES.keyActiveCalls, '{call}', 'Calls of the key holding a permit now.'),
              (state) => state.active,
            ],
            [
              gauge(OTEL_METRIC_NAMES.keyWaitingCalls, '{call}', 'Calls of the key waiting now.'),
              (state) => state.waiting,
            ],
            [
              counter(
                OTEL_METRIC_NAMES.keyRejectedCalls,
                'Calls of the key refused since its compartment was created.',
              ),
              (state) => state.rejected,
            ],
          ];
    const histogram = (name: string, description: string, buckets: Float64Array) =>
      settings.recordHistograms
        ? meter.createHistogram(name, {
            unit: 's',
            description,
            advice: { explicitBucketBoundaries: [...buckets] },
          })
        : undefined;
    this.#waitHistogram = histogram(
      OTEL_METRIC_NAMES.partitionWaitDuration,
      'Seconds admitted calls of the partition waited for a permit.',
      settings.waitBuckets,
    );
    this.#durationHistogram = histogram(
      OTEL_METRIC_NAMES.partitionCallDuration,
      'Seconds admitted calls of the partition held their permit.',
      settings.durationBuckets,
    );
    this.observables = [
      ...this.#partitionGauges.map(([instrument]) => instrument),
      this.#partitionRejections,
      ...this.#keyedGauges.map(([instrument]) => instrument),
      ...this.#keyGauges.map(([instrument]) => instrument),
    ];
  }

  /** Per-bulkhead tracking for a bulkhead whose state is `state` (`undefined`: neither partitioned nor keyed). */
  track(state: BulkheadState, attributes: Attributes): CompartmentTracking | undefined {
    if (isPartitionedState(state)) {
      const partitions = new Map<string, TrackedPartition>();
      for (const partition of [...Object.keys(state.partitions), UNPARTITIONED_LABEL]) {
        const withPartition = Object.freeze({ ...attributes, [BULKHEAD_ATTRIBUTES.partition]: partition });
        partitions.set(partition, {
          attributes: withPartition,
          reasonAttributes: REJECTION_REASONS.map((reason) =>
            Object.freeze({ ...withPartition, [BULKHEAD_ATTRIBUTES.rejectionReason]: reason }),
          ),
          rejections: new Float64Array(REJECTION_REASONS.length),
        });
      }
      return { partitions, keySelection: undefined };
    }
    if (isKeyedState(state) && this.#perKeySeriesMaxKeys > 0) {
      return {
        partitions: new Map(),
        keySelection: new KeySeriesSelection(this.#perKeySeriesMaxKeys, 'zero'),
      };
    }
    return undefined;
  }

  /** Records one finished call of a partitioned bulkhead in its partition's histograms. */
  recordFinished(tracking: CompartmentTracking, event: FinishedEvent): void {
    const partition = tracking.partitions.get(event.partition ?? UNPARTITIONED_LABEL);
    if (partition === undefined) return;
    this.#waitHistogram?.record(event.waitTime / 1000, partition.attributes);
    this.#durationHistogram?.record(event.duration / 1000, partition.attributes);
  }

  /** Counts one rejected call of a partitioned bulkhead under its partition and reason. */
  recordRejected(tracking: CompartmentTracking, event: RejectedEvent): void {
    const partition = tracking.partitions.get(event.partition ?? UNPARTITIONED_LABEL);
    if (partition === undefined) return;
    const index = reasonIndex(event.reason);
    partition.rejections[index] = (partition.rejections[index] as number) + 1;
  }

  /** Observes the compartment instruments of one bulkhead in a batch callback. */
  observe(
    result: BatchObservableResult,
    tracking: CompartmentTracking | undefined,
    state: BulkheadState,
    attributes: Attributes,
  ): void {
    if (isKeyedState(state)) {
      for (const [instrument, pick] of this.#keyedGauges) result.observe(instrument, pick(state), attributes);
      if (tracking?.keySelection === undefined) return;
      for (const [key, keyState] of tracking.keySelection.select(state)) {
        const keyAttributes = { ...attributes, [BULKHEAD_ATTRIBUTES.key]: key };
        for (const [instrument, pick] of this.#keyGauges)
          result.observe(instrument, pick(keyState), keyAttributes);
      }
      return;
    }
    if (tracking === undefined || !isPartitionedState(state)) return;
    for (const [partition, partitionState] of partitionRows(state)) {
      const tracked = tracking.partitions.get(partition);
      if (tracked === undefined) continue;
      for (const [instrument, pick] of this.#partitionGauges) {
        result.observe(instrument, pick(partitionState), tracked.attributes);
      }
      for (let index = 0; index < tracked.rejections.length; index++) {
        result.observe(
          this.#partitionRejections,
          tracked.rejections[index] as number,
          tracked.reasonAttributes[index],
        );
      }
    }
  }
}
