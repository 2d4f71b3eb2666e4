import { type BulkheadDecorator, type BulkheadDecoratorOptions, bulkhead } from '@x/bulkhead-core';
import { validateName } from '@x/bulkhead-core/extension';
import { DeferredBulkhead } from '../internal/deferred-bulkhead.js';
import { getForCache, getForDatabase } from './compartment-lookup.js';

/**
 * Protects a function or method with the compartment of a database alias (`getForDatabase(alias)`,
 * looked up on each call). Same options as core's `bulkhead()`: `timeout`, `fallback` (on rejection only).
 * @throws {TypeError | RangeError} when `alias` is not a non-empty string or an option is invalid.
 */
export function bulkheadForDatabase<Arguments extends unknown[] = unknown[], T = unknown>(
  alias = 'default',
  options: BulkheadDecoratorOptions<Arguments, T> = {},
): BulkheadDecorator {
  validateName('alias', alias);
  return bulkhead(new DeferredBulkhead(`database:${alias}`, () => getForDatabase(alias)), options);
}

/**
 * Protects a function or method with the compartment of a cache instance (`getForCache(name)`, looked
 * up on each call). Same options as core's `bulkhead()`.
 * @throws {TypeError | RangeError} when `name` is not a non-empty string or an option is invalid.
 */
export function bulkheadForCache<Arguments extends unknown[] = unknown[], T = unknown>(
  name = 'default',
  options: BulkheadDecoratorOptions<Arguments, T> = {},
): BulkheadDecorator {
  validateName('name', name);
  return bulkhead(new DeferredBulkhead(`cache:${name}`, () => getForCache(name)), options);
}
