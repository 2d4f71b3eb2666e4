import type { BulkheadError } from './errors.js';

/** How a policy-protected call ended. Core policies produce success, rejected and timeout; composers add the rest. */
export type PolicyOutcome = 'success' | 'failure' | 'rejected' | 'short_circuited' | 'timeout';

/** A call that completed. */
export interface PolicySuccess<T> {
  readonly outcome: 'success';
  readonly value: T;
  readonly policyName: string;
}

/** A call that did not complete; `error` says why (a `BulkheadError` for rejected and timeout). */
export interface PolicyFailure {
  readonly outcome: Exclude<PolicyOutcome, 'success'>;
  readonly error: BulkheadError | Error | unknown;
  readonly policyName: string;
}

/** The result of `policy.execute(fn)`: a value or a classified non-success. */
export type PolicyResult<T> = PolicySuccess<T> | PolicyFailure;

/** True when `result` carries a value. */
export function isPolicySuccess<T>(result: PolicyResult<T>): result is PolicySuccess<T> {
  return result.outcome === 'success';
}
