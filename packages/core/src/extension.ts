// Building blocks for bulkhead implementations outside core (thread pools, shared, Redis, partitioned, keyed):
// the waiting machinery (WaitList: FIFO queue, deadlines, abort), the permit base, the protected call, the
// admission ledger, option validators and stackless error construction the semaphore bulkhead uses, so every
// kind of bulkhead waits, validates and rejects alike. Application code does not need this entry.
export {
  AdmissionLedger,
  type AdmissionLedgerOptions,
  type AdmissionSubject,
  type LedgerStateCounts,
} from './admission-ledger.js';
export { constructError, constructWithoutStack } from './errors.js';
export { IdleList, type IdleNode } from './idle/idle-list.js';
export { IdleSweeper } from './idle/idle-sweeper.js';
export { globalExtensionState } from './internal/global-slot.js';
export {
  describe as describeValue,
  validateBoolean,
  validateChoice,
  validateFunction,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateLogger,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from './internal/validate.js';
export { PermitBase } from './permit-base.js';
export { refuseKeyedBulkhead } from './policy.js';
export { CallContext, callProtected, type Executor, protectFunction } from './protected-call.js';
export { OrderedWaitList, type SequencedEntry } from './waiting/ordered-wait-list.js';
export {
  type CallPriority,
  PRIORITY_LEVELS,
  priorityLevel,
  QUEUE_FULL_POLICIES,
  QUEUE_ORDERS,
  type QueueFullPolicy,
  type QueueOrder,
  STARVATION_INTERVAL,
} from './waiting/queue-policy.js';
export { WaitEntry } from './waiting/wait-entry.js';
export { WaitList, type WaitListOptions } from './waiting/wait-list.js';
