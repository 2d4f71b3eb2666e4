import type { RejectionReason } from '@x/bulkhead-core';

/** Values of the `outcome` label, in the order `callsByOutcome()` reports them. */
export const CALL_OUTCOMES = ['success', 'failure', 'rejected', 'timeout'] as const;

/** A value of the `outcome` label: how a call ended, `rejected` included. */
export type CallOutcomeLabel = (typeof CALL_OUTCOMES)[number];

// A record, so that a reason added to core's union is a compile error here until it gets a slot.
const REASON_INDEX: Readonly<Record<RejectionReason, number>> = {
  queue_full: 0,
  queue_timeout: 1,
  aborted: 2,
  shutdown: 3,
  dropped: 4,
  unavailable: 5,
};

/** Values of the `reason` label (every `RejectionReason`), in the order of `CallTally.rejections`. */
export const REJECTION_REASONS: readonly RejectionReason[] = Object.freeze(
  (Object.keys(REASON_INDEX) as RejectionReason[]).sort((a, b) => REASON_INDEX[a] - REASON_INDEX[b]),
);

/** Slot of `reason` in `REJECTION_REASONS` (`queue_full` for a value from a newer core). */
export function reasonIndex(reason: RejectionReason): number {
  return REASON_INDEX[reason] ?? 0;
}
