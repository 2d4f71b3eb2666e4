export {
  type AsyncLocalStoragePropagatorOptions,
  asyncLocalStoragePropagator,
} from './async-local-storage-propagator.js';
export type { ContextPropagator } from './context-propagator.js';
export {
  type NotCloneableDirection,
  NotCloneableError,
  type NotCloneableErrorDetails,
} from './not-cloneable-error.js';
export {
  type AcquireSyncOptions,
  SharedBulkhead,
  type SharedBulkheadHandle,
  type SharedBulkheadLocalOptions,
  type SharedBulkheadOptions,
  type SharedBulkheadState,
} from './shared-bulkhead.js';
export {
  ThreadPoolBulkhead,
  type ThreadPoolBulkheadState,
  type ThreadPoolCloseOptions,
  type ThreadPoolExecuteOptions,
  type ThreadPoolFunctionOptions,
} from './thread-pool-bulkhead.js';
export type { ThreadPoolBulkheadOptions, WorkerExitWatcher } from './thread-pool-options.js';
export {
  type TraceContextCarrier,
  type TraceContextPropagatorOptions,
  traceContextPropagator,
} from './trace-context-propagator.js';
export {
  WorkerCrashedError,
  type WorkerCrashedErrorDetails,
  type WorkerCrashReason,
} from './worker-crashed-error.js';
