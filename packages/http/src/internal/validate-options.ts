import { type Bulkhead, isBulkhead } from '@x/bulkhead-core';
import type { HttpBulkheadGuardOptions } from '../http-bulkhead-guard.js';

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

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  return value === null ? 'null' : typeof value;
}

function secondsOption(name: string, value: unknown, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`options.${name} must be an integer number of seconds, got ${describe(value)}`);
  }
  if (value < minimum) throw new RangeError(`options.${name} must be >= ${minimum}, got ${value}`);
  return value;
}

/**
 * Validates the guard options and applies defaults.
 * @throws {TypeError | RangeError} naming the offending option.
 */
export function validateGuardOptions(options: HttpBulkheadGuardOptions): GuardSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const bulkhead = options.bulkhead as unknown;
  if (!isBulkhead(bulkhead)) {
    throw new TypeError('options.bulkhead must implement the Bulkhead contract (acquire, on, getState)');
  }
  const waitTimeout = options.waitTimeout ?? 0;
  if (typeof waitTimeout !== 'number' || Number.isNaN(waitTimeout)) {
    throw new TypeError(`options.waitTimeout must be a number of milliseconds, got ${describe(waitTimeout)}`);
  }
  if (waitTimeout < 0) throw new RangeError(`options.waitTimeout must be >= 0, got ${waitTimeout}`);
  const minRetryAfter = secondsOption('minRetryAfter', options.minRetryAfter, 1, 0);
  const maxRetryAfter = secondsOption(
    'maxRetryAfter',
    options.maxRetryAfter,
    Math.max(60, minRetryAfter),
    minRetryAfter,
  );
  const initialServiceTime = options.initialServiceTime ?? 1000;
  if (typeof initialServiceTime !== 'number' || !Number.isFinite(initialServiceTime)) {
    throw new TypeError(
      `options.initialServiceTime must be a finite number of milliseconds, got ${describe(initialServiceTime)}`,
    );
  }
  if (initialServiceTime < 0) {
    throw new RangeError(`options.initialServiceTime must be >= 0, got ${initialServiceTime}`);
  }
  const smoothing = options.smoothing ?? 0.2;
  if (typeof smoothing !== 'number') {
    throw new TypeError(`options.smoothing must be a number, got ${describe(smoothing)}`);
  }
  if (!(smoothing > 0 && smoothing <= 1)) {
    throw new RangeError(`options.smoothing must be in (0, 1], got ${smoothing}`);
  }
  const problemType = options.problemType ?? 'about:blank';
  if (typeof problemType !== 'string' || problemType === '') {
    throw new TypeError(`options.problemType must be a non-empty URI string, got ${describe(problemType)}`);
  }
  return {
    bulkhead: bulkhead as Bulkhead,
    waitTimeout,
    minRetryAfter,
    maxRetryAfter,
    initialServiceTime,
    smoothing,
    problemType,
  };
}
