export {
  BulkheadLeaseLostError,
  type BulkheadLeaseLostErrorDetails,
  BulkheadUnavailableError,
  type BulkheadUnavailableErrorDetails,
} from './errors.js';
export { RedisBulkhead } from './redis-bulkhead.js';
export type {
  LocalFallbackOptions,
  RedisBulkheadOptions,
  UnavailableMode,
} from './redis-bulkhead-options.js';
export type { RedisBulkheadState, RedisClusterState } from './redis-bulkhead-state.js';
export type { RedisClientLike, RedisSubscriberLike } from './redis-client.js';
export type { Admission, RedisExecutionContext, RedisPermit } from './redis-permit.js';
