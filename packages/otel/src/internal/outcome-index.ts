import type { CallOutcome, RejectionReason } from '@x/bulkhead-core';

/** Values of the `outcome` label, in the order of `CallTally.calls`. */
export const CALL_OUTCOMES = ['success', 'failure', 'rejected', 'timeout'] as const;

/** A value of the `outcome` label: how a call ended, `rejected` included. */
export type CallOutcomeLabel = (typeof CALL_OUTCOMES)[number];

/** Values of the `reason` label, in the order of `CallTally.rejections`. */
export const REJECTION_REASONS = [
  'queue_full',
  'queue_timeout',
  'aborted',
  'shutdown',
] as const satisfies readonly RejectionReason[];

/** Slot of `outcome` in `CALL_OUTCOMES` (`failure` for anything unknown). */
export function outcomeIndex(outcome: CallOutcome): number {
  switch (outcome) {
    case 'success':
      return 0;
    case 'timeout':
      return 3;
    default:
      return 1;
  }
}

/** Slot of `reason` in `REJECTION_REASONS` (`queue_full` for anything unknown). */
export function reasonIndex(reason: RejectionReason): number {
  switch (reason) {
    case 'queue_timeout':
      return 1;
    case 'aborted':
      return 2;
    case 'shutdown':
      return 3;
    default:
      return 0;
  }
}

/** Slot of `rejected` in `CALL_OUTCOMES`. */
export const REJECTED_INDEX = 2;
