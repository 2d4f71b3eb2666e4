import type {
  BulkheadState,
  KeyedBulkheadState,
  KeyState,
  PartitionedBulkheadState,
  PartitionState,
} from '@x/bulkhead-core';

/**
 * The `partition` label (`bulkhead.partition` attribute) of calls a partitioned bulkhead got without a
 * partition (core's `getState().unpartitioned`). Parentheses keep it apart from ordinary partition names.
 */
export const UNPARTITIONED_LABEL = '(unpartitioned)';

/** Whether `state` is the state of a `PartitionedBulkhead` (not of one partition's view). */
export function isPartitionedState(state: BulkheadState): state is PartitionedBulkheadState {
  const partitions = (state as Partial<PartitionedBulkheadState>).partitions;
  return state.type === 'partitioned' && typeof partitions === 'object' && partitions !== null;
}

/** Whether `state` is the state of a `KeyedBulkhead` (not of one key's view). */
export function isKeyedState(state: BulkheadState): state is KeyedBulkheadState {
  return state.type === 'keyed' && typeof (state as Partial<KeyedBulkheadState>).keyCount === 'number';
}

/** Each partition's counters by `partition` label, `UNPARTITIONED_LABEL` last. */
export function partitionRows(state: PartitionedBulkheadState): Array<readonly [string, PartitionState]> {
  const rows: Array<readonly [string, PartitionState]> = Object.entries(state.partitions);
  rows.push([UNPARTITIONED_LABEL, state.unpartitioned]);
  return rows;
}

/** One key's counters as exported under its `key` label. */
export type KeyRow = readonly [string, KeyState];
