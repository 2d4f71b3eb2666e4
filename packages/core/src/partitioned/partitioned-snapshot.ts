import { type BulkheadState, createBulkheadState } from '../state.js';
import type { PartitionAdmission } from './partition-admission.js';
import type { Slot } from './partition-queues.js';
import type { PartitionedBulkheadState, PartitionState } from './partitioned-state.js';

/** The frozen state of a whole partitioned bulkhead, with the counters of each partition. */
export function partitionedState(
  name: string,
  names: readonly string[],
  admission: PartitionAdmission,
): PartitionedBulkheadState {
  const partitions: Record<string, PartitionState> = {};
  names.forEach((partition, slot) => {
    partitions[partition] = partitionState(admission, slot);
  });
  const base = createBulkheadState({
    name,
    type: 'partitioned',
    maxConcurrent: admission.accounting.limit,
    activeCount: admission.accounting.total,
    waitingCount: admission.queues.total,
    maxQueue: admission.maxQueue,
    ...admission.ledger.stateCounts(),
    closed: admission.closed,
  });
  return Object.freeze({
    ...base,
    type: 'partitioned',
    partitions: Object.freeze(partitions),
    unpartitioned: partitionState(admission, admission.accounting.unpartitioned),
  });
}

/** The counters of one slot in `PartitionedBulkheadState`. */
function partitionState(admission: PartitionAdmission, slot: Slot): PartitionState {
  const { accounting } = admission;
  return Object.freeze({
    guaranteed: accounting.guaranteed(slot),
    active: accounting.active(slot),
    waiting: admission.queues.waitingCount(slot),
    rejected: admission.rejected[slot]!,
    borrowed: accounting.borrowed(slot),
  });
}

/** One partition's counters as the `BulkheadState` of its view, named `name`. */
export function partitionViewState(name: string, admission: PartitionAdmission, slot: Slot): BulkheadState {
  return createBulkheadState({
    name,
    type: 'partitioned',
    maxConcurrent: admission.accounting.limit,
    activeCount: admission.accounting.active(slot),
    waitingCount: admission.queues.waitingCount(slot),
    maxQueue: Math.min(admission.maxQueue, admission.partitionMaxQueues[slot]!),
    rejectedCount: admission.rejected[slot]!,
    admittedCount: admission.admitted[slot]!,
    successfulCalls: admission.successful[slot]!,
    failedCalls: admission.failed[slot]!,
    lastRejectionTime: null,
    closed: admission.closed,
  });
}
