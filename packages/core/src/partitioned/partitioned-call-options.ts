import type { AcquireOptions, ExecuteOptions } from '../bulkhead.js';
import type { CallPriority } from '../waiting/queue-policy.js';

/** Options of `PartitionedBulkhead.acquire()`. */
export interface PartitionedAcquireOptions<Names extends string = string> extends AcquireOptions {
  /** The partition the call belongs to; omitted: the call gets only spare capacity. */
  partition?: Names;
  /** Order among the partition's waiters (default `normal`; see `STARVATION_INTERVAL`). */
  priority?: CallPriority;
}

/** Options of `PartitionedBulkhead.execute()`. */
export interface PartitionedExecuteOptions<Names extends string = string> extends ExecuteOptions {
  /** The partition the call belongs to; omitted: the call gets only spare capacity. */
  partition?: Names;
  /** Order among the partition's waiters (default `normal`; see `STARVATION_INTERVAL`). */
  priority?: CallPriority;
}

/** The keys a call's options may have. */
export const PARTITIONED_CALL_OPTION_KEYS = ['partition', 'timeout', 'signal', 'priority'] as const;
