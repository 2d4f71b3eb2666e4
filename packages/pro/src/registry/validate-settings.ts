import type { QueueFullPolicy, QueueOrder } from '@x/bulkhead-core';
import {
  describeValue,
  QUEUE_FULL_POLICIES,
  QUEUE_ORDERS,
  validateKnownKeys,
} from '@x/bulkhead-core/extension';
import {
  type AliasSettings,
  BUILT_IN_COMPARTMENTS,
  type BulkheadSettings,
  type BulkheadSettingsInput,
  type CompartmentSettings,
  type CompartmentSettingsInput,
  DEFAULT_BULKHEAD_SETTINGS,
} from './settings.js';

const TOP_LEVEL_KEYS = [...BUILT_IN_COMPARTMENTS, 'databases', 'caches', 'compartments'];
const COMPARTMENT_KEYS = ['maxConcurrent', 'type', 'maxQueue', 'workerFilename', 'queueOrder', 'onQueueFull'];
const COMPARTMENT_TYPES = ['semaphore', 'thread_pool'];

function plainObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where} must be an object, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown, where: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${where} must be a number, got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${where} must be an integer >= 1, got ${value}`);
  }
  return value;
}

function queueBound(value: unknown, where: string): number {
  if (value === Number.POSITIVE_INFINITY || value === null) return Number.POSITIVE_INFINITY;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${where} must be a number (or null for unbounded), got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${where} must be an integer >= 0 (or null for unbounded), got ${value}`);
  }
  return value;
}

function choice<Choice extends string>(value: unknown, choices: readonly Choice[], where: string): Choice {
  if (!choices.includes(value as Choice)) {
    throw new TypeError(`${where} must be one of ${choices.join(', ')}, got ${describeValue(value)}`);
  }
  return value as Choice;
}

function compartmentInput(value: unknown, where: string): CompartmentSettingsInput {
  const object = plainObject(value, where);
  validateKnownKeys(object, COMPARTMENT_KEYS, where);
  const input: CompartmentSettingsInput = {};
  if (object.maxConcurrent !== undefined) {
    input.maxConcurrent = positiveInteger(object.maxConcurrent, `${where}.maxConcurrent`);
  }
  if (object.maxQueue !== undefined) input.maxQueue = queueBound(object.maxQueue, `${where}.maxQueue`);
  if (object.type !== undefined) {
    if (typeof object.type !== 'string' || !COMPARTMENT_TYPES.includes(object.type)) {
      throw new TypeError(
        `${where}.type must be 'semaphore' or 'thread_pool', got ${describeValue(object.type)}`,
      );
    }
    input.type = object.type as CompartmentSettingsInput['type'] & string;
  }
  if (object.workerFilename !== undefined) {
    if (typeof object.workerFilename !== 'string' || object.workerFilename.length === 0) {
      throw new TypeError(
        `${where}.workerFilename must be a non-empty string, got ${describeValue(object.workerFilename)}`,
      );
    }
    input.workerFilename = object.workerFilename;
  }
  if (object.queueOrder !== undefined) {
    input.queueOrder = choice(object.queueOrder, QUEUE_ORDERS, `${where}.queueOrder`);
  }
  if (object.onQueueFull !== undefined) {
    input.onQueueFull = choice(object.onQueueFull, QUEUE_FULL_POLICIES, `${where}.onQueueFull`);
  }
  return input;
}

function aliasInputs(value: unknown, where: string): Record<string, { maxConcurrent?: number }> {
  const object = plainObject(value, where);
  const result: Record<string, { maxConcurrent?: number }> = {};
  for (const [alias, entry] of Object.entries(object)) {
    const aliasWhere = `${where}.${alias}`;
    const aliasObject = plainObject(entry, aliasWhere);
    validateKnownKeys(aliasObject, ['maxConcurrent'], aliasWhere);
    result[alias] =
      aliasObject.maxConcurrent === undefined
        ? {}
        : { maxConcurrent: positiveInteger(aliasObject.maxConcurrent, `${aliasWhere}.maxConcurrent`) };
  }
  return result;
}

/**
 * Checks one settings source (object or parsed JSON file) and returns it typed. `label` starts every
 * message, e.g. `settings` gives `settings.database.maxConcurrent must be an integer >= 1, got 0`.
 * @throws {TypeError | RangeError} naming the offending key.
 */
export function validateSettingsInput(value: unknown, label = 'settings'): BulkheadSettingsInput {
  const object = plainObject(value, label);
  validateKnownKeys(object, TOP_LEVEL_KEYS, label);
  const input: BulkheadSettingsInput = {};
  for (const name of BUILT_IN_COMPARTMENTS) {
    if (object[name] !== undefined) input[name] = compartmentInput(object[name], `${label}.${name}`);
  }
  if (object.databases !== undefined) input.databases = aliasInputs(object.databases, `${label}.databases`);
  if (object.caches !== undefined) input.caches = aliasInputs(object.caches, `${label}.caches`);
  if (object.compartments !== undefined) {
    const compartments = plainObject(object.compartments, `${label}.compartments`);
    input.compartments = {};
    for (const [name, entry] of Object.entries(compartments)) {
      input.compartments[name] = compartmentInput(entry, `${label}.compartments.${name}`);
    }
  }
  return input;
}

function mergeCompartment(
  base: CompartmentSettings,
  layers: readonly (CompartmentSettingsInput | undefined)[],
  where: string,
): CompartmentSettings {
  const merged: {
    maxConcurrent: number;
    type: CompartmentSettings['type'];
    maxQueue: number;
    workerFilename?: string;
    queueOrder?: QueueOrder;
    onQueueFull?: QueueFullPolicy;
  } = { ...base };
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer.maxConcurrent !== undefined) merged.maxConcurrent = layer.maxConcurrent;
    if (layer.type !== undefined) merged.type = layer.type;
    if (layer.maxQueue !== undefined) merged.maxQueue = layer.maxQueue;
    if (layer.workerFilename !== undefined) merged.workerFilename = layer.workerFilename;
    if (layer.queueOrder !== undefined) merged.queueOrder = layer.queueOrder;
    if (layer.onQueueFull !== undefined) merged.onQueueFull = layer.onQueueFull;
  }
  if (merged.type === 'thread_pool' && merged.workerFilename === undefined) {
    throw new TypeError(`${where}.workerFilename is required when ${where}.type is 'thread_pool'`);
  }
  if (merged.type === 'thread_pool' && (merged.queueOrder ?? merged.onQueueFull) !== undefined) {
    throw new TypeError(
      `${where}.queueOrder and ${where}.onQueueFull apply to 'semaphore' compartments only`,
    );
  }
  return Object.freeze(merged);
}

function mergeAliases(
  layers: readonly (Record<string, { maxConcurrent?: number }> | undefined)[],
): Readonly<Record<string, AliasSettings>> {
  const merged: Record<string, AliasSettings> = {};
  for (const layer of layers) {
    for (const [alias, entry] of Object.entries(layer ?? {})) {
      if (entry.maxConcurrent !== undefined)
        merged[alias] = Object.freeze({ maxConcurrent: entry.maxConcurrent });
    }
  }
  return Object.freeze(merged);
}

const DEFAULT_CUSTOM: CompartmentSettings = Object.freeze({
  maxConcurrent: 10,
  type: 'semaphore',
  maxQueue: Number.POSITIVE_INFINITY,
});

/**
 * Merges validated sources over the defaults; later layers win.
 * @throws {TypeError} when a `thread_pool` compartment ends up without `workerFilename`.
 */
export function mergeSettings(layers: readonly BulkheadSettingsInput[]): BulkheadSettings {
  const compartmentNames = new Set(layers.flatMap((layer) => Object.keys(layer.compartments ?? {})));
  const compartments: Record<string, CompartmentSettings> = {};
  for (const name of compartmentNames) {
    compartments[name] = mergeCompartment(
      DEFAULT_CUSTOM,
      layers.map((layer) => layer.compartments?.[name]),
      `settings.compartments.${name}`,
    );
  }
  const builtIn = (name: (typeof BUILT_IN_COMPARTMENTS)[number]): CompartmentSettings =>
    mergeCompartment(
      DEFAULT_BULKHEAD_SETTINGS[name],
      layers.map((layer) => layer[name]),
      `settings.${name}`,
    );
  return Object.freeze({
    database: builtIn('database'),
    cache: builtIn('cache'),
    external_api: builtIn('external_api'),
    message_queue: builtIn('message_queue'),
    databases: mergeAliases(layers.map((layer) => layer.databases)),
    caches: mergeAliases(layers.map((layer) => layer.caches)),
    compartments: Object.freeze(compartments),
  });
}
