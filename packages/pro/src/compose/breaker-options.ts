import { isRejection } from '@x/bulkhead-core';
import CircuitBreaker from 'opossum';
import type { CircuitBreakerView } from './breaker-status.js';

/** The opossum settings the composer passes through (opossum's own timeout is always off). */
export interface BreakerOptions {
  /** Breaker name (default: the policy name). */
  name?: string;
  /** Milliseconds the breaker stays open before one half-open trial; default 30000. */
  resetTimeout?: number;
  /** Failure percentage in the rolling window that opens the breaker; default 50. */
  errorThresholdPercentage?: number;
  /** Calls in the rolling window before the breaker may open; default 0. */
  volumeThreshold?: number;
  /** Length of the rolling statistics window in ms; default 10000. */
  rollingCountTimeout?: number;
  /** Buckets in the rolling window; default 10. */
  rollingCountBuckets?: number;
  /** Ignore failures during the first rolling window; default false. */
  allowWarmUp?: boolean;
  /**
   * True for errors of your function that must not count as breaker failures. Bulkhead rejections
   * never reach the breaker at all, whatever this returns.
   */
  errorFilter?: (error: unknown) => boolean;
}

/** What the breaker runs: the bulkhead-protected part of one call. */
export type BreakerTask = () => Promise<unknown>;

/** A breaker whose action runs the task it is fired with. */
export interface ComposedBreaker extends CircuitBreakerView {
  fire(task: BreakerTask): Promise<unknown>;
  shutdown(): void;
}

/**
 * Creates the opossum breaker: action `task => task()`, opossum timeout and fallback off, and an
 * `errorFilter` that also excludes nested bulkhead rejections (a downstream compartment's
 * `BulkheadFullError` thrown by your function is overload, not a dependency failure).
 */
export function createComposedBreaker(options: BreakerOptions, defaultName: string): ComposedBreaker {
  const userFilter = options.errorFilter;
  const breaker = new CircuitBreaker<[BreakerTask], unknown>((task) => task(), {
    name: options.name ?? defaultName,
    timeout: false,
    ...(options.resetTimeout === undefined ? {} : { resetTimeout: options.resetTimeout }),
    ...(options.errorThresholdPercentage === undefined
      ? {}
      : { errorThresholdPercentage: options.errorThresholdPercentage }),
    ...(options.volumeThreshold === undefined ? {} : { volumeThreshold: options.volumeThreshold }),
    ...(options.rollingCountTimeout === undefined
      ? {}
      : { rollingCountTimeout: options.rollingCountTimeout }),
    ...(options.rollingCountBuckets === undefined
      ? {}
      : { rollingCountBuckets: options.rollingCountBuckets }),
    ...(options.allowWarmUp === undefined ? {} : { allowWarmUp: options.allowWarmUp }),
    errorFilter: (error: Error) => isRejection(error) || userFilter?.(error) === true,
  });
  return breaker as unknown as ComposedBreaker;
}
