export type { BreakerOptions } from './breaker-options.js';
export type { BreakerStatus, CircuitBreakerView } from './breaker-status.js';
export {
  CircuitOpenError,
  type CircuitOpenErrorDetails,
  type CircuitOpenState,
} from './circuit-open-error.js';
export {
  type ComposedExecuteOptions,
  type ComposedFailure,
  ComposedPolicy,
  type ComposedPolicyStatus,
  type ComposedResult,
  composePolicy,
} from './composed-policy.js';
export type { ComposedPolicyOptions } from './composed-policy-options.js';
