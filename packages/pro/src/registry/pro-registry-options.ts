import type { EntitlementLogger, GetOrCreateOptions } from '@x/bulkhead-core';
import {
  describeValue,
  QUEUE_FULL_POLICIES,
  QUEUE_ORDERS,
  validateBoolean,
  validateChoice,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateLogger,
  validateName,
  validateOptionsObject,
} from '@x/bulkhead-core/extension';
import type { ConfigEventBus } from './config-events.js';
import type { BulkheadSettingsInput } from './settings.js';

/** Options of `ProBulkheadRegistry`. */
export interface ProBulkheadRegistryOptions {
  /** Settings object (lowest-precedence source after the defaults). */
  settings?: BulkheadSettingsInput;
  /** JSON settings file (overrides `settings`); default `BULKHEAD_SETTINGS_FILE`. */
  settingsFile?: string;
  /** Re-apply the settings file whenever it changes; default false. */
  watchSettingsFile?: boolean;
  /** Environment read for `BULKHEAD_*` variables (highest precedence); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** pino/console-compatible logger; default `getBulkheadLogger()`. */
  logger?: EntitlementLogger;
  /** Bus whose `CONFIG_UPDATED` events the registry applies; default `getConfigEventBus()`. */
  configEvents?: ConfigEventBus;
}

const REGISTRY_OPTION_KEYS = [
  'settings',
  'settingsFile',
  'watchSettingsFile',
  'env',
  'logger',
  'configEvents',
] as const;

const GET_OR_CREATE_OPTION_KEYS = ['maxConcurrent', 'maxQueue', 'type', 'queueOrder', 'onQueueFull'] as const;

/**
 * Validates `ProBulkheadRegistry` (and `configureProRegistry()`) options, naming the offending one; `known`
 * narrows the accepted keys (`configureProRegistry()` takes no `logger`).
 * @throws {TypeError} for an unknown key or a value of the wrong type.
 */
export function validateRegistryOptions(
  options: unknown,
  known: readonly string[] = REGISTRY_OPTION_KEYS,
): asserts options is ProBulkheadRegistryOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  validateKnownKeys(options, known);
  const candidate = options as Record<string, unknown>;
  if (candidate.settingsFile !== undefined) validateName('options.settingsFile', candidate.settingsFile);
  if (candidate.watchSettingsFile !== undefined) {
    validateBoolean('watchSettingsFile', candidate.watchSettingsFile);
  }
  if (candidate.env !== undefined && (typeof candidate.env !== 'object' || candidate.env === null)) {
    throw new TypeError(`options.env must be an object, got ${describeValue(candidate.env)}`);
  }
  if (candidate.logger !== undefined) validateLogger('options.logger', candidate.logger);
  const bus = candidate.configEvents as { on?: unknown } | undefined;
  if (bus !== undefined && (typeof bus !== 'object' || bus === null || typeof bus.on !== 'function')) {
    throw new TypeError(`options.configEvents must be a ConfigEventBus, got ${describeValue(bus)}`);
  }
}

/** The option keys of `configureProRegistry()`: those of the registry except `logger` (init()'s is used). */
export const CONFIGURE_OPTION_KEYS: readonly string[] = REGISTRY_OPTION_KEYS.filter(
  (key) => key !== 'logger',
);

/**
 * Validates `getOrCreate()` options, naming the offending one.
 * @throws {TypeError | RangeError} for an unknown key or an invalid value.
 */
export function validateGetOrCreateOptions(options: GetOrCreateOptions): void {
  validateOptionsObject('options', options);
  validateKnownKeys(options, GET_OR_CREATE_OPTION_KEYS);
  const { maxConcurrent, maxQueue, type } = options;
  if (maxConcurrent !== undefined) validateInteger('maxConcurrent', maxConcurrent, 1);
  if (maxQueue !== undefined) validateIntegerOrInfinity('maxQueue', maxQueue, 0);
  if (type !== undefined && type !== 'semaphore' && type !== 'thread_pool') {
    throw new TypeError(`options.type must be 'semaphore' or 'thread_pool', got ${describeValue(type)}`);
  }
  validateChoice('queueOrder', options.queueOrder, QUEUE_ORDERS);
  validateChoice('onQueueFull', options.onQueueFull, QUEUE_FULL_POLICIES);
}
