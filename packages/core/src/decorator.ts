import type { Bulkhead } from './bulkhead.js';
import {
  validateFunction,
  validateKnownKeys,
  validateOptionsObject,
  validateTimeout,
} from './internal/validate.js';
import { isBulkhead } from './is-bulkhead.js';
import { isRejection, refuseKeyedBulkhead } from './policy.js';
import { getBulkheadRegistry } from './registry.js';

/** Options of `bulkhead()`. */
export interface BulkheadDecoratorOptions<Arguments extends unknown[], T> {
  /** Milliseconds to wait for a permit (omitted: fail fast). */
  timeout?: number;
  /**
   * Runs only when the bulkhead rejects the call (never on a business error), with the call's `this` and
   * arguments; its value is returned instead.
   */
  fallback?: (this: unknown, error: unknown, ...args: Arguments) => T | PromiseLike<T>;
}

type AnyFunction = (...args: never[]) => unknown;

const DECORATOR_OPTION_KEYS = ['timeout', 'fallback'] as const;

/** A function wrapper that is also a standard (TC39) method decorator. */
export interface BulkheadDecorator {
  <Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
  ): (...args: Arguments) => Promise<T>;
  <This, Arguments extends unknown[], T>(
    method: (this: This, ...args: Arguments) => T | PromiseLike<T>,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Arguments) => T | PromiseLike<T>>,
  ): (this: This, ...args: Arguments) => Promise<T>;
}

/**
 * Protects a function or method with a bulkhead given directly or by registry name (resolved on each
 * call, so a compartment registered later is found). The fallback runs only on rejection.
 * @throws {BulkheadNotFoundError} (rejection) on a call when the name is not registered, before any fallback;
 * {TypeError | RangeError} at once for invalid or unknown options, or a `KeyedBulkhead` itself (use `forKey(key)`).
 */
export function bulkhead<Arguments extends unknown[] = unknown[], T = unknown>(
  nameOrBulkhead: string | Bulkhead,
  options: BulkheadDecoratorOptions<Arguments, T> = {},
): BulkheadDecorator {
  if (typeof nameOrBulkhead !== 'string' && !isBulkhead(nameOrBulkhead)) {
    throw new TypeError('bulkhead() needs a bulkhead name or a Bulkhead');
  }
  if (typeof nameOrBulkhead !== 'string') refuseKeyedBulkhead('bulkhead', nameOrBulkhead);
  validateOptionsObject('options', options);
  validateKnownKeys(options, DECORATOR_OPTION_KEYS);
  const executeOptions =
    options.timeout === undefined ? {} : { timeout: validateTimeout('timeout', options.timeout) };
  const fallback =
    options.fallback === undefined
      ? undefined
      : validateFunction<(this: unknown, error: unknown, ...args: never[]) => unknown>(
          'options.fallback',
          options.fallback,
        );
  const resolve = (): Bulkhead =>
    typeof nameOrBulkhead === 'string' ? getBulkheadRegistry().get(nameOrBulkhead) : nameOrBulkhead;

  const decorate = (fn: AnyFunction, context?: unknown): AnyFunction => {
    if (typeof fn !== 'function')
      throw new TypeError(`bulkhead() can only wrap a function, got ${typeof fn}`);
    if (context !== undefined && (context as { kind?: unknown }).kind !== 'method') {
      throw new TypeError('bulkhead() decorates methods only');
    }
    return async function protectedCall(this: unknown, ...args: never[]): Promise<unknown> {
      const target = resolve();
      try {
        return await target.execute(() => fn.apply(this, args), executeOptions);
      } catch (error) {
        if (fallback !== undefined && isRejection(error)) {
          return fallback.call(this, error, ...args);
        }
        throw error;
      }
    };
  };
  return decorate as unknown as BulkheadDecorator;
}
