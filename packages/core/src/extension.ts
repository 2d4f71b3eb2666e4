// Building blocks for bulkhead implementations outside core (such as @x/bulkhead-threads): the same
// O(1) intrusive queue, option validators and stackless error construction the semaphore bulkhead uses,
// so every kind of bulkhead validates and rejects alike. Application code does not need this entry.
export {
  AdmissionLedger,
  type AdmissionLedgerOptions,
  type AdmissionSubject,
} from './admission-ledger.js';
export { constructError, constructWithoutStack } from './errors.js';
export { globalExtensionState } from './internal/global-slot.js';
export {
  describe as describeValue,
  validateBoolean,
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
export { type QueueNode, WaiterQueue } from './internal/waiter-queue.js';
