import {
  type Bulkhead,
  type BulkheadState,
  BulkheadTimeoutError,
  createBulkheadState,
  type ExecuteOptions,
  type Permit,
  type PolicyFailure,
  type PolicyOutcome,
  type PolicySuccess,
  type ProtectedFunction,
} from '@x/bulkhead-core';
import { validateFunction } from '@x/bulkhead-core/extension';
import { isProFeatureEnabled } from '../feature-gate.js';
import { type ComposedBreaker, createComposedBreaker } from './breaker-options.js';
import {
  type BreakerStatus,
  breakerRefusal,
  type CircuitBreakerView,
  readBreakerStatus,
} from './breaker-status.js';
import { CircuitOpenError } from './circuit-open-error.js';
import {
  type ComposedPolicyOptions,
  validateComposedExecuteOptions,
  validateComposedPolicyOptions,
} from './composed-policy-options.js';
import { runHoldingPermit } from './internal/run-holding-permit.js';

/** A non-success, possibly rescued by the call's fallback. */
export interface ComposedFailure<T> extends PolicyFailure {
  /** Present when a fallback produced a value; `outcome` still tells what went wrong. */
  readonly fallback?: { readonly value: T };
}

/** Result of `ComposedPolicy.execute()`; assignable to core's `PolicyResult<T>`. */
export type ComposedResult<T> = PolicySuccess<T> | ComposedFailure<T>;

/** Per-call options of `ComposedPolicy.execute()`. */
export interface ComposedExecuteOptions<T> {
  /** Aborts the wait for a permit and is forwarded to `fn`. */
  signal?: AbortSignal;
  /** Called for any non-success; its value is returned as `result.fallback.value` (its errors propagate). */
  fallback?: (failure: PolicyFailure) => T | PromiseLike<T>;
}

/** Snapshot returned by `ComposedPolicy.getStatus()`. */
export interface ComposedPolicyStatus {
  readonly policyName: string;
  /** `pro` when the breaker is active, `oss` when the composer runs bulkhead + timeout only. */
  readonly tier: 'pro' | 'oss';
  /** The bulkhead's state, with this policy's `orphanedCount` and `timedOutCount` added. */
  readonly bulkhead: BulkheadState;
  /** The breaker's state, or `null` when no breaker is active. */
  readonly breaker: BreakerStatus | null;
  /** Timed-out calls whose work still runs and holds its slot. */
  readonly orphanedCount: number;
  /** Calls per outcome since the policy was created. */
  readonly outcomes: Readonly<Record<PolicyOutcome, number>>;
}

/**
 * A resilient call: circuit breaker (outside) → bulkhead → timeout → your function, plus an
 * optional fallback. See the package README (Policy composer) for the order and semantics.
 * @throws {TypeError | RangeError} at construction when an option is invalid.
 */
export class ComposedPolicy {
  readonly name: string;
  readonly bulkhead: Bulkhead;
  readonly #breaker: ComposedBreaker | undefined;
  readonly #timeout: number | undefined;
  readonly #waitTimeout: number;
  readonly #isEntitled: () => boolean;
  #orphaned = 0;
  #timedOut = 0;
  readonly #outcomes: Record<PolicyOutcome, number> = {
    success: 0,
    failure: 0,
    rejected: 0,
    short_circuited: 0,
    timeout: 0,
  };

  constructor(options: ComposedPolicyOptions) {
    const settings = validateComposedPolicyOptions(options);
    this.bulkhead = settings.bulkhead;
    this.name = settings.name;
    this.#timeout = settings.timeout;
    this.#waitTimeout = settings.waitTimeout;
    this.#isEntitled = settings.entitlementCheck ?? (() => isProFeatureEnabled('policy_composer'));
    this.#breaker =
      settings.breaker === false ? undefined : createComposedBreaker(settings.breaker, settings.name);
  }

  /** The opossum breaker (events, manual open/close), or `undefined` when configured without one. */
  get breaker(): CircuitBreakerView | undefined {
    return this.#breaker;
  }

  /**
   * Runs `fn` through breaker, bulkhead and timeout. Resolves to `success`, `failure`, `rejected`,
   * `short_circuited` or `timeout`; never rejects for those.
   * @throws {TypeError} (rejection) when `fn` is not a function or an option is invalid or unknown; whatever
   * `options.fallback` throws.
   */
  async execute<T>(
    fn: ProtectedFunction<T>,
    options: ComposedExecuteOptions<T> = {},
  ): Promise<ComposedResult<T>> {
    validateFunction('fn', fn);
    validateComposedExecuteOptions(options);
    const breaker = this.#activeBreaker();
    if (breaker !== undefined) {
      const refusal = breakerRefusal(breaker);
      if (refusal !== undefined) {
        return this.#fail(
          'short_circuited',
          new CircuitOpenError({ breakerName: breaker.name, state: refusal }),
          options,
        );
      }
    }
    let permit: Permit;
    try {
      permit = await this.bulkhead.acquire(this.#acquireOptions(options.signal));
    } catch (error) {
      return this.#fail('rejected', error, options);
    }
    const task = (): Promise<T> =>
      runHoldingPermit({
        permit,
        fn,
        bulkheadName: this.bulkhead.name,
        signal: options.signal,
        timeout: this.#timeout,
        onOrphan: (delta) => {
          this.#orphaned += delta;
          if (delta === 1) this.#timedOut++;
        },
      });
    let started = false;
    try {
      const value =
        breaker === undefined
          ? await task()
          : ((await breaker.fire(() => {
              started = true;
              return task();
            })) as T);
      this.#outcomes.success++;
      return { outcome: 'success', value, policyName: this.name };
    } catch (error) {
      if (breaker !== undefined && !started) {
        // The breaker changed state while this call waited for its permit: give the slot back unused.
        permit.release('success');
        const refusal = breakerRefusal(breaker) ?? 'open';
        return this.#fail(
          'short_circuited',
          new CircuitOpenError({ breakerName: breaker.name, state: refusal, cause: error }),
          options,
        );
      }
      return this.#fail(BulkheadTimeoutError.isInstance(error) ? 'timeout' : 'failure', error, options);
    }
  }

  /** Bulkhead state (plus orphaned calls) and breaker state, as one plain snapshot. */
  getStatus(): ComposedPolicyStatus {
    const entitled = this.#isEntitled();
    const breaker = entitled ? this.#breaker : undefined;
    const state = this.bulkhead.getState();
    const { totalCalls, availablePermits: _available, utilizationPercent: _utilization, ...counts } = state;
    const bulkhead = createBulkheadState({
      ...counts,
      admittedCount: totalCalls - state.rejectedCount,
      orphanedCount: (state.orphanedCount ?? 0) + this.#orphaned,
      // A bulkhead that counts timeouts counts ours when the timed-out work settles (its permit is released with
      // outcome 'timeout'); until then the call is orphaned. A bulkhead that does not count them gets ours.
      timedOutCount:
        state.timedOutCount === undefined ? this.#timedOut : state.timedOutCount + this.#orphaned,
    });
    return Object.freeze({
      policyName: this.name,
      tier: entitled ? 'pro' : 'oss',
      bulkhead,
      breaker: breaker === undefined ? null : readBreakerStatus(breaker),
      orphanedCount: this.#orphaned,
      outcomes: Object.freeze({ ...this.#outcomes }),
    });
  }

  /** Stops the breaker's timers; later calls are short-circuited. In-flight calls still settle. */
  shutdown(): void {
    this.#breaker?.shutdown();
  }

  #activeBreaker(): ComposedBreaker | undefined {
    return this.#breaker !== undefined && this.#isEntitled() ? this.#breaker : undefined;
  }

  #acquireOptions(signal: AbortSignal | undefined): ExecuteOptions {
    const options: ExecuteOptions = {};
    if (this.#waitTimeout > 0) options.timeout = this.#waitTimeout;
    if (signal !== undefined) options.signal = signal;
    return options;
  }

  async #fail<T>(
    outcome: Exclude<PolicyOutcome, 'success'>,
    error: unknown,
    options: ComposedExecuteOptions<T>,
  ): Promise<ComposedFailure<T>> {
    this.#outcomes[outcome]++;
    const failure: PolicyFailure = { outcome, error, policyName: this.name };
    if (options.fallback === undefined) return failure;
    const value = await options.fallback(failure);
    return { ...failure, fallback: { value } };
  }
}

/**
 * Creates a `ComposedPolicy`. With a PRO entitlement (`policy_composer`) the breaker is active;
 * without one the policy runs bulkhead + timeout + fallback only and logs that once.
 * @throws {TypeError | RangeError} when an option is invalid.
 */
export function composePolicy(options: ComposedPolicyOptions): ComposedPolicy {
  return new ComposedPolicy(options);
}
