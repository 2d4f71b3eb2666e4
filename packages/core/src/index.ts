export {
  type AdaptiveLimitChange,
  type AdaptiveLimitChangeReason,
  type AdaptiveLimitController,
  adaptiveLimit,
} from './adaptive/adaptive-limit.js';
export type {
  AdaptiveAlgorithmName,
  AdaptiveLimitBaseOptions,
  AdaptiveLimitOptions,
} from './adaptive/adaptive-limit-options.js';
export { AIMD_DEFAULTS, type AimdParameters } from './adaptive/aimd-algorithm.js';
export {
  type EventLoopSignal,
  type EventLoopSignalOptions,
  eventLoopSignal,
} from './adaptive/event-loop-signal.js';
export { GRADIENT2_DEFAULTS, type Gradient2Parameters } from './adaptive/gradient2-algorithm.js';
export { VEGAS_DEFAULTS, type VegasParameters } from './adaptive/vegas-algorithm.js';
export type {
  AcquireOptions,
  Bulkhead,
  BulkheadType,
  CallOutcome,
  ClosableBulkhead,
  ExecuteOptions,
  ExecutionContext,
  ProtectedFunction,
  RejectionReason,
  ResizableBulkhead,
  SynchronousBulkhead,
} from './bulkhead.js';
export { type BulkheadDecorator, type BulkheadDecoratorOptions, bulkhead } from './decorator.js';
export {
  type Entitlement,
  type EntitlementLogger,
  type EntitlementReason,
  ossEntitlement,
  type ProActivationContext,
  type ProProvider,
} from './entitlement.js';
export {
  BulkheadClosedError,
  type BulkheadClosedErrorDetails,
  BulkheadError,
  type BulkheadErrorCode,
  type BulkheadErrorOptions,
  BulkheadFullError,
  type BulkheadFullErrorDetails,
  BulkheadNotFoundError,
  type BulkheadNotFoundErrorDetails,
  BulkheadTimeoutError,
  type BulkheadTimeoutErrorDetails,
} from './errors.js';
export {
  BulkheadEventEmitter,
  type BulkheadEventListener,
  type BulkheadEventMap,
  type BulkheadEventName,
  type EventLabel,
  type FinishedEvent,
  type PermittedEvent,
  type RejectedEvent,
} from './events.js';
export {
  getEntitlement,
  type InitOptions,
  init,
  licenseKeyFingerprint,
  registerProProvider,
} from './init.js';
export { isBulkhead } from './is-bulkhead.js';
export { KeyedBulkhead, type KeyedCallOptions } from './keyed/keyed-bulkhead.js';
export type { KeyedBulkheadOptions, PerKeyOptions } from './keyed/keyed-options.js';
export type { KeyedBulkheadState, KeyState } from './keyed/keyed-state.js';
export { getBulkheadLogger, jsonStderrLogger } from './logger.js';
export {
  PartitionBulkhead,
  type PartitionBulkheadParts,
  type PartitionCallOptions,
} from './partitioned/partition-bulkhead.js';
export {
  type PartitionedAcquireOptions,
  PartitionedBulkhead,
  type PartitionedExecuteOptions,
} from './partitioned/partitioned-bulkhead.js';
export type { PartitionedBulkheadOptions, PartitionOptions } from './partitioned/partitioned-options.js';
export type { PartitionedBulkheadState, PartitionState } from './partitioned/partitioned-state.js';
export type { Permit } from './permit.js';
export {
  BulkheadPolicy,
  type BulkheadPolicyFactoryOptions,
  type BulkheadPolicyOptions,
  bulkheadPolicy,
  isRejection,
} from './policy.js';
export {
  isPolicySuccess,
  type PolicyFailure,
  type PolicyOutcome,
  type PolicyResult,
  type PolicySuccess,
} from './policy-result.js';
export {
  BulkheadRegistry,
  getBulkheadRegistry,
  getOssBulkheadRegistry,
  setBulkheadRegistry,
} from './registry.js';
export type { BulkheadRegistryLike, GetOrCreateOptions, RegistryChange } from './registry-contract.js';
export { SemaphoreBulkhead } from './semaphore-bulkhead.js';
export type {
  SemaphoreBulkheadOptions,
  SemaphoreCallOptions,
  SemaphoreExecuteOptions,
} from './semaphore-bulkhead-options.js';
export type { SemaphoreBulkheadState } from './semaphore-bulkhead-state.js';
export { type BulkheadState, type BulkheadStateInput, createBulkheadState } from './state.js';
export type { CallPriority, QueueFullPolicy, QueueOrder } from './waiting/queue-policy.js';
