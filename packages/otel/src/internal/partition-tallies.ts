import type { TallyBuckets } from './call-tally.js';
import { CallTally } from './call-tally.js';
import { UNPARTITIONED_LABEL } from './compartment-labels.js';

/**
 * One `CallTally` per partition of a partitioned bulkhead (plus `UNPARTITIONED_LABEL`), fixed when the
 * adapter starts tracking it: the partitions of a `PartitionedBulkhead` never change, so the label set is
 * bounded by construction. Events of a partition not in the set are not tallied per partition.
 */
export class PartitionTallies {
  readonly #tallies = new Map<string, CallTally>();

  constructor(partitions: readonly string[], buckets: TallyBuckets) {
    for (const partition of [...partitions, UNPARTITIONED_LABEL]) {
      this.#tallies.set(partition, new CallTally(buckets));
    }
  }

  /** The tally of an event's `partition` (`undefined`: the unpartitioned calls). */
  of(partition: string | undefined): CallTally | undefined {
    return this.#tallies.get(partition ?? UNPARTITIONED_LABEL);
  }

  /** Tallies by `partition` label, `UNPARTITIONED_LABEL` last. */
  entries(): IterableIterator<[string, CallTally]> {
    return this.#tallies.entries();
  }
}
