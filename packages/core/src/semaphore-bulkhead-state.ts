import type { BulkheadState } from './state.js';

/**
 * The snapshot of a `SemaphoreBulkhead`. It runs no timeouts of its own (its `timeout` is a wait budget: a
 * wait that runs out is a `queue_timeout` rejection), so it reports no `timedOutCount`; a permit released
 * with outcome `timeout` counts in `failedCalls`, and the policy that timed it out reports its own count.
 */
export interface SemaphoreBulkheadState
  extends Omit<BulkheadState, 'type' | 'queueCapacity' | 'poolSize' | 'orphanedCount' | 'timedOutCount'> {
  readonly type: 'semaphore';
}
