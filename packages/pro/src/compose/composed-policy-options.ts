import { type Bulkhead, isBulkhead } from '@x/bulkhead-core';
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

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  return value === null ? 'null' : typeof value;
}

function milliseconds(name: string, value: unknown, options: { positive: boolean }): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`options.${name} must be a number of milliseconds, got ${describe(value)}`);
  }
  if (options.positive ? !(value > 0) : value < 0) {
    throw new RangeError(`options.${name} must be ${options.positive ? '> 0' : '>= 0'}, got ${value}`);
  }
  return value;
}

const NUMERIC_BREAKER_OPTIONS = [
  'resetTimeout',
  'errorThresholdPercentage',
  'volumeThreshold',
  'rollingCountTimeout',
  'rollingCountBuckets',
] as const;

function validateBreaker(breaker: unknown): BreakerOptions | false {
  if (breaker === undefined) return {};
  if (breaker === false) return false;
  if (typeof breaker !== 'object' || breaker === null) {
    throw new TypeError(`options.breaker must be an object or false, got ${describe(breaker)}`);
  }
  const candidate = breaker as Record<string, unknown>;
  for (const key of NUMERIC_BREAKER_OPTIONS) {
    const value = candidate[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`options.breaker.${key} must be a finite number >= 0, got ${describe(value)}`);
    }
  }
  if ('timeout' in candidate) {
    throw new TypeError(
      "options.breaker.timeout is not supported: use options.timeout (opossum's timeout frees capacity while the work still runs)",
    );
  }
  if (candidate.name !== undefined && (typeof candidate.name !== 'string' || candidate.name === '')) {
    throw new TypeError(`options.breaker.name must be a non-empty string, got ${describe(candidate.name)}`);
  }
  if (candidate.allowWarmUp !== undefined && typeof candidate.allowWarmUp !== 'boolean') {
    throw new TypeError(
      `options.breaker.allowWarmUp must be a boolean, got ${describe(candidate.allowWarmUp)}`,
    );
  }
  if (candidate.errorFilter !== undefined && typeof candidate.errorFilter !== 'function') {
    throw new TypeError(
      `options.breaker.errorFilter must be a function, got ${describe(candidate.errorFilter)}`,
    );
  }
  return breaker as BreakerOptions;
}

/**
 * Validates `ComposedPolicy` options and applies defaults.
 * @throws {TypeError | RangeError} naming the offending option.
 */
export function validateComposedPolicyOptions(options: ComposedPolicyOptions): ComposedPolicySettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const bulkhead = options.bulkhead as unknown;
  if (!isBulkhead(bulkhead)) {
    throw new TypeError('options.bulkhead must implement the Bulkhead contract (name, acquire, getState)');
  }
  const name = options.name ?? `composed:${bulkhead.name}`;
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`options.name must be a non-empty string, got ${describe(name)}`);
  }
  const timeout =
    options.timeout === undefined ? undefined : milliseconds('timeout', options.timeout, { positive: true });
  if (timeout === Number.POSITIVE_INFINITY) {
    throw new RangeError('options.timeout must be finite; omit it for no timeout');
  }
  const waitTimeout =
    options.waitTimeout === undefined
      ? 0
      : milliseconds('waitTimeout', options.waitTimeout, { positive: false });
  if (options.entitlementCheck !== undefined && typeof options.entitlementCheck !== 'function') {
    throw new TypeError(
      `options.entitlementCheck must be a function, got ${describe(options.entitlementCheck)}`,
    );
  }
  return {
    bulkhead: bulkhead as Bulkhead,
    name,
    breaker: validateBreaker(options.breaker),
    timeout,
    waitTimeout,
    entitlementCheck: options.entitlementCheck,
  };
}
