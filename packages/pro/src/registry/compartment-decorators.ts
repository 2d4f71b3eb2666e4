import { type BulkheadDecorator, type BulkheadDecoratorOptions, bulkhead } from '@x/bulkhead-core';
import { DeferredBulkhead } from '../internal/deferred-bulkhead.js';
import { getForCache, getForDatabase } from './compartment-lookup.js';

function validateAlias(parameter: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${parameter} must be a non-empty string, got ${typeof value}`);
  }
  return value;
}

/**
 * Protects a function or method with the compartment of a database alias (`getForDatabase(alias)`,
 * looked up on each call). Same options as core's `bulkhead()`: `timeout`, `fallback` (on rejection only).
 * @throws {TypeError} when `alias` or an option is invalid.
 */
export function bulkheadForDatabase<Arguments extends unknown[] = unknown[], T = unknown>(
  alias = 'default',
  options: BulkheadDecoratorOptions<Arguments, T> = {},
): BulkheadDecorator {
  validateAlias('alias', alias);
  return bulkhead(new DeferredBulkhead(`database:${alias}`, () => getForDatabase(alias)), options);
}

/**
 * Protects a function or method with the compartment of a cache instance (`getForCache(name)`, looked
 * up on each call). Same options as core's `bulkhead()`.
 * @throws {TypeError} when `name` or an option is invalid.
 */
export function bulkheadForCache<Arguments extends unknown[] = unknown[], T = unknown>(
  name = 'default',
  options: BulkheadDecoratorOptions<Arguments, T> = {},
): BulkheadDecorator {
  validateAlias('name', name);
  return bulkhead(new DeferredBulkhead(`cache:${name}`, () => getForCache(name)), options);
}
