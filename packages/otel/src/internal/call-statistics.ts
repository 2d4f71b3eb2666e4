import type { BulkheadState } from '@x/bulkhead-core';
import { CALL_OUTCOMES, type CallOutcomeLabel } from './outcome-index.js';

const COUNT_OF: Readonly<Record<CallOutcomeLabel, (state: BulkheadState) => number>> = {
  success: (state) => state.successfulCalls,
  // `failedCalls` includes the timeouts, which get their own label where the bulkhead reports them.
  failure: (state) => Math.max(0, state.failedCalls - (state.timedOutCount ?? 0)),
  rejected: (state) => state.rejectedCount,
  timeout: (state) => state.timedOutCount ?? 0,
};

/**
 * The call statistics of `state` by `outcome` label, in `CALL_OUTCOMES` order: `success` =
 * `successfulCalls`, `failure` + `timeout` = `failedCalls`, `timeout` = `timedOutCount` (0 where not
 * reported), `rejected` = `rejectedCount`. Exporters read these so their counters match `getState()`.
 */
export function callsByOutcome(state: BulkheadState): number[] {
  return CALL_OUTCOMES.map((outcome) => COUNT_OF[outcome](state));
}
