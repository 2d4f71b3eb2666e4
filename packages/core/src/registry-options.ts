import type { Bulkhead } from './bulkhead.js';
import {
  describe,
  validateChoice,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateOptionsObject,
} from './internal/validate.js';
import type { GetOrCreateOptions } from './registry-contract.js';
import type { BulkheadType } from './vocabulary.js';
import { QUEUE_FULL_POLICIES, QUEUE_ORDERS } from './waiting/queue-policy.js';

const GET_OR_CREATE_OPTION_KEYS = ['maxConcurrent', 'maxQueue', 'type', 'queueOrder', 'onQueueFull'] as const;
/** The options compared with the state of an existing compartment. */
const STATE_OPTION_KEYS = ['maxConcurrent', 'maxQueue', 'type'] as const;
/** The queue options compared with the existing compartment's own (absent: the default, the first choice). */
const QUEUE_OPTION_CHOICES = { queueOrder: QUEUE_ORDERS, onQueueFull: QUEUE_FULL_POLICIES } as const;
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
  validateChoice('queueOrder', options.queueOrder, QUEUE_ORDERS);
  validateChoice('onQueueFull', options.onQueueFull, QUEUE_FULL_POLICIES);
}

/** The options that differ from `existing` (as `{ option: { requested, actual } }`), or `undefined`. */
export function differingOptions(
  existing: Bulkhead,
  options: GetOrCreateOptions,
): Record<string, { requested: unknown; actual: unknown }> | undefined {
  const state = existing.getState();
  const differences: Record<string, { requested: unknown; actual: unknown }> = {};
  let found = false;
  for (const key of STATE_OPTION_KEYS) {
    const requested = options[key];
    if (requested === undefined || requested === state[key]) continue;
    differences[key] = { requested, actual: state[key] };
    found = true;
  }
  for (const [key, choices] of Object.entries(QUEUE_OPTION_CHOICES)) {
    const requested = options[key as keyof typeof QUEUE_OPTION_CHOICES];
    const actual = (existing as unknown as Readonly<Record<string, unknown>>)[key] ?? choices[0];
    if (requested === undefined || requested === actual) continue;
    differences[key] = { requested, actual };
    found = true;
  }
  return found ? differences : undefined;
}
