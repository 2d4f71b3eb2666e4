import type { Bulkhead } from './bulkhead.js';
import {
  describe,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateOptionsObject,
} from './internal/validate.js';
import type { GetOrCreateOptions } from './registry-contract.js';
import type { BulkheadType } from './vocabulary.js';

const GET_OR_CREATE_OPTION_KEYS = ['maxConcurrent', 'maxQueue', 'type'] as const;
const BULKHEAD_TYPES: readonly BulkheadType[] = [
  'semaphore',
  'thread_pool',
  'shared',
  'redis',
  'partitioned',
  'keyed',
];

/**
 * Validates the options of `getOrCreate()` whether or not the compartment exists.
 * @throws {TypeError | RangeError} naming the invalid or unknown option.
 */
export function validateGetOrCreateOptions(options: GetOrCreateOptions): void {
  validateOptionsObject('options', options);
  validateKnownKeys(options, GET_OR_CREATE_OPTION_KEYS);
  if (options.maxConcurrent !== undefined) validateInteger('maxConcurrent', options.maxConcurrent, 1);
  if (options.maxQueue !== undefined) validateIntegerOrInfinity('maxQueue', options.maxQueue, 0);
  if (options.type !== undefined && !BULKHEAD_TYPES.includes(options.type)) {
    throw new TypeError(
      `options.type must be one of ${BULKHEAD_TYPES.join(', ')}, got ${describe(options.type)}`,
    );
  }
}

/** The options that differ from `existing` (as `{ option: { requested, actual } }`), or `undefined`. */
export function differingOptions(
  existing: Bulkhead,
  options: GetOrCreateOptions,
): Record<string, { requested: unknown; actual: unknown }> | undefined {
  const state = existing.getState();
  const differences: Record<string, { requested: unknown; actual: unknown }> = {};
  let found = false;
  for (const key of GET_OR_CREATE_OPTION_KEYS) {
    const requested = options[key];
    if (requested === undefined || requested === state[key]) continue;
    differences[key] = { requested, actual: state[key] };
    found = true;
  }
  return found ? differences : undefined;
}
