import { type Bulkhead, isBulkhead } from '@x/bulkhead-core';
import {
  validateInteger,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
  validateTimeout,
} from '@x/bulkhead-core/extension';
import type { HttpBulkheadGuardOptions } from '../http-bulkhead-guard-options.js';
import { validateSmoothing } from './validate-smoothing.js';

/** Guard options with every default filled in. */
export interface GuardSettings {
  bulkhead: Bulkhead;
  waitTimeout: number;
  minRetryAfter: number;
  maxRetryAfter: number;
  initialServiceTime: number;
  smoothing: number;
  problemType: string;
}

const GUARD_OPTION_KEYS = [
  'bulkhead',
  'waitTimeout',
  'minRetryAfter',
  'maxRetryAfter',
  'initialServiceTime',
  'smoothing',
  'problemType',
] as const satisfies ReadonlyArray<keyof HttpBulkheadGuardOptions>;

/**
 * Validates the guard options and applies defaults.
 * @throws {TypeError | RangeError} naming the offending option (or the unknown key).
 */
export function validateGuardOptions(options: HttpBulkheadGuardOptions): GuardSettings {
  if (options === undefined) throw new TypeError('options must be an object, got undefined');
  validateOptionsObject('options', options);
  validateKnownKeys(options, GUARD_OPTION_KEYS);
  const bulkhead = options.bulkhead as unknown;
  if (!isBulkhead(bulkhead)) {
    throw new TypeError('options.bulkhead must implement the Bulkhead contract (acquire, on, getState)');
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
    waitTimeout,
    minRetryAfter,
    maxRetryAfter,
    initialServiceTime,
    smoothing: validateSmoothing('smoothing', options.smoothing ?? 0.2),
    problemType: validateName('options.problemType', options.problemType ?? 'about:blank'),
  };
}
