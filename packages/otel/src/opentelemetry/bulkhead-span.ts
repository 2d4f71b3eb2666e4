import type { Attributes } from '@opentelemetry/api';
import { describeValue, validateFunction, validateName } from '@x/bulkhead-core/extension';
import { BULKHEAD_ATTRIBUTES } from './attribute-names.js';
import { runInSpan } from './run-in-span.js';
import type { SpanData } from './span-data.js';

/**
 * Runs `fn(spanData)` in a span `bulkhead <name>` with `bulkhead.name`, `bulkhead.max_concurrent`
 * and `bulkhead.timeout_ms`; `spanData` entries become attributes. Without an SDK it just runs `fn`.
 * @throws {TypeError | RangeError} for invalid arguments; whatever `fn` throws, after recording it.
 */
export function bulkheadSpan<T>(name: string, maxConcurrent: number, fn: (spanData: SpanData) => T): T;
/** Same, with the timeout (milliseconds) recorded as `bulkhead.timeout_ms`. */
export function bulkheadSpan<T>(
  name: string,
  maxConcurrent: number,
  timeout: number | undefined,
  fn: (spanData: SpanData) => T,
): T;
export function bulkheadSpan<T>(
  name: string,
  maxConcurrent: number,
  timeoutOrFn: number | undefined | ((spanData: SpanData) => T),
  maybeFn?: (spanData: SpanData) => T,
): T {
  validateName('name', name);
  if (typeof maxConcurrent !== 'number' || !Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be an integer >= 1, got ${describeValue(maxConcurrent)}`);
  }
  const fn = typeof timeoutOrFn === 'function' ? timeoutOrFn : maybeFn;
  const timeout = typeof timeoutOrFn === 'function' ? undefined : timeoutOrFn;
  if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)) {
    throw new RangeError(`timeout must be a number of milliseconds >= 0, got ${describeValue(timeout)}`);
  }
  validateFunction('fn', fn);
  const attributes: Attributes = {
    [BULKHEAD_ATTRIBUTES.name]: name,
    [BULKHEAD_ATTRIBUTES.maxConcurrent]: maxConcurrent,
  };
  if (timeout !== undefined) attributes[BULKHEAD_ATTRIBUTES.timeoutMs] = timeout;
  return runInSpan(`bulkhead ${name}`, attributes, fn as (spanData: SpanData) => T);
}

/**
 * Runs `fn(spanData)` in a span `bulkhead <name> <operation>` for one operation inside a
 * bulkhead; `spanData` entries become attributes. Without an SDK it just runs `fn`.
 * @throws {TypeError | RangeError} for invalid arguments; whatever `fn` throws, after recording it.
 */
export function bulkheadOperationSpan<T>(name: string, operation: string, fn: (spanData: SpanData) => T): T {
  validateName('name', name);
  validateName('operation', operation);
  validateFunction('fn', fn);
  return runInSpan(
    `bulkhead ${name} ${operation}`,
    { [BULKHEAD_ATTRIBUTES.name]: name, [BULKHEAD_ATTRIBUTES.operation]: operation },
    fn,
  );
}
