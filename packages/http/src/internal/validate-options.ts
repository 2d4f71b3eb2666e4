import { type Bulkhead, isBulkhead } from '@x/bulkhead-core';
import {
  describeValue,
  refuseKeyedBulkhead,
  validateFunction,
  validateInteger,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
  validateTimeout,
} from '@x/bulkhead-core/extension';
import type { BulkheadSelector, HttpBulkheadGuardOptions } from '../http-bulkhead-guard-options.js';
import { validateSmoothing } from './validate-smoothing.js';

/** Guard options with every default filled in; exactly one of `bulkhead` and `bulkheadFor` is set. */
export interface GuardSettings {
  bulkhead: Bulkhead | undefined;
  bulkheadFor: BulkheadSelector | undefined;
  waitTimeout: number;
  minRetryAfter: number;
  maxRetryAfter: number;
  initialServiceTime: number;
  smoothing: number;
  problemType: string;
}

const GUARD_OPTION_KEYS = [
  'bulkhead',
  'bulkheadFor',
  'waitTimeout',
  'minRetryAfter',
  'maxRetryAfter',
  'initialServiceTime',
  'smoothing',
  'problemType',
] as const satisfies ReadonlyArray<keyof HttpBulkheadGuardOptions>;

/**
 * Throws unless `value` (given as `option`, or returned by `bulkheadFor`) is a Bulkhead that a call without a
 * key can use (a `KeyedBulkhead` itself is refused: route to its `forKey(key)` views).
 * @throws {TypeError}
 */
export function validateGuardedBulkhead(option: string, value: unknown): Bulkhead {
  if (!isBulkhead(value)) {
    throw new TypeError(
      `${option} must implement the Bulkhead contract (acquire, on, getState), got ${describeValue(value)}`,
    );
  }
  refuseKeyedBulkhead(option, value);
  return value;
}

/**
 * Validates the guard options and applies defaults.
 * @throws {TypeError | RangeError} naming the offending option (or the unknown key).
 */
export function validateGuardOptions(options: HttpBulkheadGuardOptions): GuardSettings {
  if (options === undefined) throw new TypeError('options must be an object, got undefined');
  validateOptionsObject('options', options);
  validateKnownKeys(options, GUARD_OPTION_KEYS);
  if (options.bulkhead !== undefined && options.bulkheadFor !== undefined) {
    throw new TypeError('options.bulkhead and options.bulkheadFor exclude each other; give one');
  }
  let bulkhead: Bulkhead | undefined;
  let bulkheadFor: BulkheadSelector | undefined;
  if (options.bulkheadFor !== undefined) {
    bulkheadFor = validateFunction<BulkheadSelector>('options.bulkheadFor', options.bulkheadFor);
  } else {
    bulkhead = validateGuardedBulkhead('options.bulkhead', options.bulkhead);
  }
  const waitTimeout = validateTimeout('waitTimeout', options.waitTimeout ?? 0);
  const minRetryAfter = validateInteger('minRetryAfter', options.minRetryAfter ?? 1, 0);
  const maxRetryAfter = validateInteger(
    'maxRetryAfter',
    options.maxRetryAfter ?? Math.max(60, minRetryAfter),
    minRetryAfter,
  );
  const initialServiceTime = validateTimeout('initialServiceTime', options.initialServiceTime ?? 1000);
  if (!Number.isFinite(initialServiceTime)) {
    throw new RangeError(`options.initialServiceTime must be finite, got ${initialServiceTime}`);
  }
  return {
    bulkhead,
    bulkheadFor,
    waitTimeout,
    minRetryAfter,
    maxRetryAfter,
    initialServiceTime,
    smoothing: validateSmoothing('smoothing', options.smoothing ?? 0.2),
    problemType: validateName('options.problemType', options.problemType ?? 'about:blank'),
  };
}
