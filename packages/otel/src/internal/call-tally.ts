import type { Bulkhead, FinishedEvent, RejectedEvent } from '@x/bulkhead-core';
import { HistogramTally } from './histogram-tally.js';
import { outcomeIndex, REJECTED_INDEX, reasonIndex } from './outcome-index.js';

/** Bucket bounds of the two histograms of a tally. */
export interface TallyBuckets {
  readonly wait: Float64Array;
  readonly duration: Float64Array;
}

/**
 * Everything the counters and histograms of one bulkhead need, aggregated in the hot path as
 * plain numbers (no labels, no hashing, no allocation) and read by exporters at scrape time.
 */
export class CallTally {
  /** Calls by outcome, indexed like `CALL_OUTCOMES`. */
  readonly calls = new Float64Array(4);
  /** Rejections by reason, indexed like `REJECTION_REASONS`. */
  readonly rejections = new Float64Array(4);
  /** Seconds admitted calls waited for a permit. */
  readonly wait: HistogramTally;
  /** Seconds admitted calls held their permit. */
  readonly duration: HistogramTally;

  constructor(buckets: TallyBuckets) {
    this.wait = new HistogramTally(buckets.wait);
    this.duration = new HistogramTally(buckets.duration);
  }

  /** Counts one finished call (times in milliseconds, as core reports them). */
  recordFinished(event: FinishedEvent): void {
    const index = outcomeIndex(event.outcome);
    this.calls[index] = (this.calls[index] as number) + 1;
    this.wait.observe(event.waitTime / 1000);
    this.duration.observe(event.duration / 1000);
  }

  /** Counts one rejected call. */
  recordRejected(event: RejectedEvent): void {
    const index = reasonIndex(event.reason);
    this.rejections[index] = (this.rejections[index] as number) + 1;
    this.calls[REJECTED_INDEX] = (this.calls[REJECTED_INDEX] as number) + 1;
  }

  /** Subscribes this tally to `bulkhead`'s events; returns the disposer. */
  attach(bulkhead: Bulkhead): () => void {
    const offFinished = bulkhead.on('finished', (event) => this.recordFinished(event));
    const offRejected = bulkhead.on('rejected', (event) => this.recordRejected(event));
    return () => {
      offFinished();
      offRejected();
    };
  }
}
