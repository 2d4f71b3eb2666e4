import { type Bulkhead, isBulkhead } from '@x/bulkhead-core';
import {
  validateFunction,
  validateInteger,
  validateKnownKeys,
  validateOptionsObject,
  validateTimeout,
} from '@x/bulkhead-core/extension';
import type { DispatchOptions } from './dispatch-types.js';
import { perOriginCompartments } from './origin-compartments.js';

/** Options of `bulkheadInterceptor`. */
export interface BulkheadInterceptorOptions {
  /**
   * Picks the compartment of a request (e.g. a registry compartment); `undefined` lets the request through
   * unguarded. Default: one compartment per origin, sized by `perOrigin`.
   */
  bulkheadFor?: (origin: string, request: DispatchOptions) => Bulkhead | undefined;
  /** Ms a request may wait for a permit, as in core's `execute`; omitted: immediate verdict. */
  timeout?: number;
  /** Ms without a body byte arriving or being read before the response is ended and the permit released (default 30000). */
  bodyIdleTimeout?: number;
  /** Size of each default per-origin compartment (default `{ maxConcurrent: 10, maxQueue: Infinity }`). */
  perOrigin?: { maxConcurrent?: number; maxQueue?: number };
  /** Most origins with a live default compartment (default 1000). */
  maxOrigins?: number;
  /** Ms after which an idle default compartment is dropped (default 60000). */
  originIdleTimeout?: number;
}

/** Validated settings. */
export interface InterceptorSettings {
  readonly bulkheadFor: (origin: string, request: DispatchOptions) => Bulkhead | undefined;
  readonly timeout: number | undefined;
  readonly bodyIdleTimeout: number;
}

const KNOWN_OPTIONS = [
  'bulkheadFor',
  'timeout',
  'bodyIdleTimeout',
  'perOrigin',
  'maxOrigins',
  'originIdleTimeout',
] as const;

/**
 * Validates the interceptor's options and fills in defaults.
 * @throws {TypeError | RangeError} naming the offending option.
 */
export function validateInterceptorOptions(options: BulkheadInterceptorOptions): InterceptorSettings {
  validateOptionsObject('options', options);
  validateKnownKeys(options, KNOWN_OPTIONS);
  const timeout = options.timeout === undefined ? undefined : validateTimeout('timeout', options.timeout);
  const bodyIdleTimeout =
    options.bodyIdleTimeout === undefined
      ? 30_000
      : validateInteger('bodyIdleTimeout', options.bodyIdleTimeout, 1);
  if (options.bulkheadFor !== undefined) {
    for (const key of ['perOrigin', 'maxOrigins', 'originIdleTimeout'] as const) {
      if (options[key] !== undefined) {
        throw new TypeError(
          `options.${key} sizes the default per-origin compartments; it cannot be combined with options.bulkheadFor`,
        );
      }
    }
    const pick = validateFunction<NonNullable<BulkheadInterceptorOptions['bulkheadFor']>>(
      'options.bulkheadFor',
      options.bulkheadFor,
    );
    return { bulkheadFor: checkedPick(pick), timeout, bodyIdleTimeout };
  }
  return { bulkheadFor: perOriginCompartments(options), timeout, bodyIdleTimeout };
}

/** Wraps `bulkheadFor` so that a wrong return value fails the request with a clear error. */
function checkedPick(
  pick: (origin: string, request: DispatchOptions) => Bulkhead | undefined,
): InterceptorSettings['bulkheadFor'] {
  return (origin, request) => {
    const bulkhead = pick(origin, request);
    if (bulkhead === undefined || isBulkhead(bulkhead)) return bulkhead;
    throw new TypeError(`options.bulkheadFor must return a Bulkhead or undefined for origin ${origin}`);
  };
}
