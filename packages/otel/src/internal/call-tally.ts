import type { Bulkhead, FinishedEvent, RejectedEvent } from '@x/bulkhead-core';
import { HistogramTally } from './histogram-tally.js';
import { REJECTION_REASONS, reasonIndex } from './outcome-index.js';
import type { PartitionTallies } from './partition-tallies.js';

/** Bucket bounds of the two histograms of a tally. */
export interface TallyBuckets {
  readonly wait: Float64Array;
  readonly duration: Float64Array;
}

/**
 * What state cannot tell of one bulkhead (rejections by reason, wait and duration histograms),
 * aggregated from its events in the hot path as plain numbers (no labels, no hashing, no
 * allocation) and read by exporters at scrape time. Calls by outcome come from `getState()`.
 */
export class CallTally {
  /** Rejections by reason, indexed like `REJECTION_REASONS`. */
  readonly rejections = new Float64Array(REJECTION_REASONS.length);
  /** Seconds admitted calls waited for a permit. */
  readonly wait: HistogramTally;
  /** Seconds admitted calls held their permit. */
  readonly duration: HistogramTally;

  constructor(buckets: TallyBuckets) {
    this.wait = new HistogramTally(buckets.wait);
    this.duration = new HistogramTally(buckets.duration);
  }

  /** Adds one finished call to the histograms (times in milliseconds, as core reports them). */
  recordFinished(event: FinishedEvent): void {
    this.wait.observe(event.waitTime / 1000);
    this.duration.observe(event.duration / 1000);
  }

  /** Counts one rejected call by reason. */
  recordRejected(event: RejectedEvent): void {
    const index = reasonIndex(event.reason);
    this.rejections[index] = (this.rejections[index] as number) + 1;
  }

  /**
   * Subscribes this tally to `bulkhead`'s events, and `partitions` (if given) to each event's partition,
   * with one listener per event; returns the disposer.
   */
  attach(bulkhead: Bulkhead, partitions?: PartitionTallies): () => void {
    const offFinished = bulkhead.on(
      'finished',
      partitions === undefined
        ? (event) => this.recordFinished(event)
        : (event) => {
            this.recordFinished(event);
            partitions.of(event.partition)?.recordFinished(event);
          },
    );
    const offRejected = bulkhead.on(
      'rejected',
      partitions === undefined
        ? (event) => this.recordRejected(event)
        : (event) => {
            this.recordRejected(event);
            partitions.of(event.partition)?.recordRejected(event);
          },
    );
    return () => {
      offFinished();
      offRejected();
    };
  }
}
