import type { GetOrCreateOptions } from '@x/bulkhead-core';
import type { ProBulkheadRegistryOptions } from '../registry/pro-registry.js';

/** Throws unless `value` is a non-empty string. */
export function validateName(parameter: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${parameter} must be a string, got ${typeof value}`);
  if (value.length === 0) throw new RangeError(`${parameter} must not be empty`);
  return value;
}

/** Validates `ProBulkheadRegistry` options, naming the offending one. */
export function validateRegistryOptions(options: ProBulkheadRegistryOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  if (
    options.settingsFile !== undefined &&
    (typeof options.settingsFile !== 'string' || options.settingsFile === '')
  ) {
    throw new TypeError('options.settingsFile must be a non-empty string');
  }
  if (options.watchSettingsFile !== undefined && typeof options.watchSettingsFile !== 'boolean') {
    throw new TypeError(
      `options.watchSettingsFile must be a boolean, got ${typeof options.watchSettingsFile}`,
    );
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw new TypeError('options.env must be an object');
  }
  const logger = options.logger;
  if (logger !== undefined && (typeof logger?.info !== 'function' || typeof logger.warn !== 'function')) {
    throw new TypeError('options.logger must have info() and warn() methods (pino and console both do)');
  }
  if (options.configEvents !== undefined && typeof options.configEvents?.on !== 'function') {
    throw new TypeError('options.configEvents must be a ConfigEventBus');
  }
}

/** Validates `getOrCreate()` options, naming the offending one. */
export function validateGetOrCreateOptions(options: GetOrCreateOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { maxConcurrent, maxQueue, type } = options;
  if (maxConcurrent !== undefined && (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)) {
    throw new RangeError(`options.maxConcurrent must be an integer >= 1, got ${String(maxConcurrent)}`);
  }
  if (
    maxQueue !== undefined &&
    maxQueue !== Number.POSITIVE_INFINITY &&
    (!Number.isInteger(maxQueue) || maxQueue < 0)
  ) {
    throw new RangeError(`options.maxQueue must be an integer >= 0 or Infinity, got ${String(maxQueue)}`);
  }
  if (type !== undefined && type !== 'semaphore' && type !== 'thread_pool') {
    throw new TypeError(`options.type must be 'semaphore' or 'thread_pool', got ${String(type)}`);
  }
}
