import type { BulkheadState } from '../state.js';

/** The counters of one partition in `PartitionedBulkheadState`. */
export interface PartitionState {
  /** Permits guaranteed at the current limit (see the rounding rule of `PartitionedBulkhead`). */
  readonly guaranteed: number;
  readonly active: number;
  readonly waiting: number;
  readonly rejected: number;
  /** Permits held beyond the guarantee (lent by idle partitions or spare capacity). */
  readonly borrowed: number;
}

/** `BulkheadState` of a partitioned bulkhead, with each partition's counters. */
export interface PartitionedBulkheadState extends BulkheadState {
  readonly type: 'partitioned';
  /** By partition name. */
  readonly partitions: Readonly<Record<string, PartitionState>>;
  /** Calls made without a partition (guaranteed nothing; everything they hold is borrowed). */
  readonly unpartitioned: PartitionState;
}
