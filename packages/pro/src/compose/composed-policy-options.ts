import { type Bulkhead, isBulkhead } from '@x/bulkhead-core';
import {
  describeValue,
  validateBoolean,
  validateFunction,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from '@x/bulkhead-core/extension';
import type { BreakerOptions } from './breaker-options.js';

/** Options of `ComposedPolicy`. */
export interface ComposedPolicyOptions {
  /** The compartment the calls run in. */
  bulkhead: Bulkhead;
  /** Policy name; default `composed:<bulkhead name>`. */
  name?: string;
  /** opossum breaker settings; default `{}` (opossum defaults); `false`: no breaker. PRO only. */
  breaker?: BreakerOptions | false;
  /** Run-time budget in ms, counted from admission; omitted: none. The slot is held until the work settles. */
  timeout?: number;
  /** Milliseconds to wait for a permit; default 0 (fail fast with `rejected`). */
  waitTimeout?: number;
  /**
   * Decides whether the PRO behaviour (the breaker) is active; checked on every call.
   * Default: `isProFeatureEnabled('policy_composer')`. Meant for tests and embedders.
   */
  entitlementCheck?: () => boolean;
}

/** Validated options. */
export interface ComposedPolicySettings {
  bulkhead: Bulkhead;
  name: string;
  breaker: BreakerOptions | false;
  timeout: number | undefined;
  waitTimeout: number;
  entitlementCheck: (() => boolean) | undefined;
}

const OPTION_KEYS = ['bulkhead', 'name', 'breaker', 'timeout', 'waitTimeout', 'entitlementCheck'] as const;

const NUMERIC_BREAKER_OPTIONS = [
  'resetTimeout',
  'errorThresholdPercentage',
  'volumeThreshold',
  'rollingCountTimeout',
  'rollingCountBuckets',
] as const;

const BREAKER_KEYS = [...NUMERIC_BREAKER_OPTIONS, 'name', 'allowWarmUp', 'errorFilter'] as const;

function validateBreaker(breaker: unknown): BreakerOptions | false {
  if (breaker === undefined) return {};
  if (breaker === false) return false;
  if (typeof breaker !== 'object' || breaker === null || Array.isArray(breaker)) {
    throw new TypeError(`options.breaker must be an object or false, got ${describeValue(breaker)}`);
  }
  const candidate = breaker as Record<string, unknown>;
  if ('timeout' in candidate) {
    throw new TypeError(
      "options.breaker.timeout is not supported: use options.timeout (opossum's timeout frees capacity while the work still runs)",
    );
  }
  validateKnownKeys(candidate, BREAKER_KEYS, 'options.breaker');
  for (const key of NUMERIC_BREAKER_OPTIONS) {
    const value = candidate[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `options.breaker.${key} must be a finite number >= 0, got ${describeValue(value)}`,
      );
    }
  }
  if (candidate.name !== undefined) validateName('options.breaker.name', candidate.name);
  if (candidate.allowWarmUp !== undefined) validateBoolean('breaker.allowWarmUp', candidate.allowWarmUp);
  if (candidate.errorFilter !== undefined)
    validateFunction('options.breaker.errorFilter', candidate.errorFilter);
  return breaker as BreakerOptions;
}

function validateRunTimeout(value: unknown): number {
  const timeout = validateTimeout('timeout', value);
  if (timeout === 0) throw new RangeError('options.timeout must be > 0, got 0');
  if (timeout === Number.POSITIVE_INFINITY) {
    throw new RangeError('options.timeout must be finite; omit it for no timeout');
  }
  return timeout;
}

/**
 * Validates `ComposedPolicy` options and applies defaults.
 * @throws {TypeError | RangeError} naming the offending option.
 */
export function validateComposedPolicyOptions(options: ComposedPolicyOptions): ComposedPolicySettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  validateKnownKeys(options, OPTION_KEYS);
  const bulkhead = options.bulkhead as unknown;
  if (!isBulkhead(bulkhead)) {
    throw new TypeError('options.bulkhead must implement the Bulkhead contract (name, acquire, getState)');
  }
  const name =
    options.name === undefined ? `composed:${bulkhead.name}` : validateName('options.name', options.name);
  const timeout = options.timeout === undefined ? undefined : validateRunTimeout(options.timeout);
  const waitTimeout =
    options.waitTimeout === undefined ? 0 : validateTimeout('waitTimeout', options.waitTimeout);
  if (options.entitlementCheck !== undefined) {
    validateFunction('options.entitlementCheck', options.entitlementCheck);
  }
  return {
    bulkhead,
    name,
    breaker: validateBreaker(options.breaker),
    timeout,
    waitTimeout,
    entitlementCheck: options.entitlementCheck,
  };
}

const EXECUTE_OPTION_KEYS = ['signal', 'fallback'] as const;

/**
 * Validates the per-call options of `ComposedPolicy.execute()`.
 * @throws {TypeError} for an unknown key, a `signal` that is not an AbortSignal or a `fallback` that is not a function.
 */
export function validateComposedExecuteOptions(options: unknown): void {
  validateOptionsObject('options', options);
  if (options === undefined || options === null) return;
  validateKnownKeys(options, EXECUTE_OPTION_KEYS);
  const { signal, fallback } = options as { signal?: unknown; fallback?: unknown };
  if (signal !== undefined) validateSignal('signal', signal);
  if (fallback !== undefined) validateFunction('options.fallback', fallback);
}
