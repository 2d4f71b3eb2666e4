import {
  describe,
  validateBoolean,
  validateChoice,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateOptionsObject,
} from '../internal/validate.js';
import {
  QUEUE_FULL_POLICIES,
  QUEUE_ORDERS,
  type QueueFullPolicy,
  type QueueOrder,
} from '../waiting/queue-policy.js';

/** One partition of a `PartitionedBulkhead`. */
export interface PartitionOptions {
  /** Fraction of `maxConcurrent` guaranteed to the partition whenever it has demand; 0-1. */
  share: number;
  /** Bound on this partition's waiters; integer >= 0 or `Infinity` (default). */
  maxQueue?: number;
}

/** Options of `PartitionedBulkhead`. */
export interface PartitionedBulkheadOptions<Names extends string = string> {
  /** Calls admitted at once over all partitions; integer >= 1, default 10. */
  maxConcurrent?: number;
  /** Bound on waiters over all partitions; integer >= 0 or `Infinity` (default). */
  maxQueue?: number;
  /** The partitions by name; shares sum to at most 1 (the rest is spare capacity). */
  partitions: Readonly<Record<Names, PartitionOptions>>;
  /** Order of waiters within a priority level: `fifo` (default) or `lifo`. */
  queueOrder?: QueueOrder;
  /**
   * A new waiter past a full queue: `reject-new` (default) rejects it; `drop-oldest` rejects the oldest waiter
   * of the same partition instead (reason `dropped`) so the new one waits.
   */
  onQueueFull?: QueueFullPolicy;
  /** Whether rejection errors capture a stack trace (default false). */
  captureStackTrace?: boolean;
}

/** Validated options. */
export interface ResolvedPartitionedOptions {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly names: readonly string[];
  readonly shares: readonly number[];
  readonly partitionMaxQueues: readonly number[];
  readonly captureStackTrace: boolean;
  readonly queueOrder: QueueOrder;
  readonly onQueueFull: QueueFullPolicy;
}

const KNOWN_OPTIONS = [
  'maxConcurrent',
  'maxQueue',
  'partitions',
  'queueOrder',
  'onQueueFull',
  'captureStackTrace',
] as const;
const KNOWN_PARTITION_OPTIONS = ['share', 'maxQueue'] as const;
const EPSILON = 1e-9;

/**
 * Validates the options of a `PartitionedBulkhead`.
 * @throws {TypeError | RangeError} naming the option that is invalid.
 */
export function resolvePartitionedOptions(options: unknown): ResolvedPartitionedOptions {
  if (options === undefined) throw new TypeError('options.partitions must be an object, got undefined');
  validateOptionsObject('options', options);
  const input = options as Record<string, unknown>;
  validateKnownKeys(input, KNOWN_OPTIONS);
  const maxConcurrent =
    input.maxConcurrent === undefined ? 10 : validateInteger('maxConcurrent', input.maxConcurrent, 1);
  const maxQueue =
    input.maxQueue === undefined
      ? Number.POSITIVE_INFINITY
      : validateIntegerOrInfinity('maxQueue', input.maxQueue, 0);
  const captureStackTrace =
    input.captureStackTrace === undefined
      ? false
      : validateBoolean('captureStackTrace', input.captureStackTrace);
  const partitions = input.partitions;
  if (typeof partitions !== 'object' || partitions === null || Array.isArray(partitions)) {
    throw new TypeError(`options.partitions must be an object, got ${describe(partitions)}`);
  }
  const names = Object.keys(partitions);
  if (names.length === 0) throw new RangeError('options.partitions must name at least one partition');
  const shares: number[] = [];
  const partitionMaxQueues: number[] = [];
  for (const name of names) {
    const path = `partitions.${name}`;
    const partition = (partitions as Record<string, unknown>)[name];
    if (typeof partition !== 'object' || partition === null) {
      throw new TypeError(`options.${path} must be an object, got ${describe(partition)}`);
    }
    validateKnownKeys(partition, KNOWN_PARTITION_OPTIONS, `options.${path}`);
    const { share, maxQueue: partitionMaxQueue } = partition as Record<string, unknown>;
    if (typeof share !== 'number' || Number.isNaN(share)) {
      throw new TypeError(`options.${path}.share must be a number, got ${describe(share)}`);
    }
    if (share < 0 || share > 1)
      throw new RangeError(`options.${path}.share must be within 0-1, got ${share}`);
    shares.push(share);
    partitionMaxQueues.push(
      partitionMaxQueue === undefined
        ? Number.POSITIVE_INFINITY
        : validateIntegerOrInfinity(`${path}.maxQueue`, partitionMaxQueue, 0),
    );
  }
  const total = shares.reduce((sum, share) => sum + share, 0);
  if (total > 1 + EPSILON)
    throw new RangeError(`options.partitions shares must sum to at most 1, got ${total}`);
  return {
    maxConcurrent,
    maxQueue,
    names,
    shares,
    partitionMaxQueues,
    captureStackTrace,
    queueOrder: validateChoice('queueOrder', input.queueOrder, QUEUE_ORDERS),
    onQueueFull: validateChoice('onQueueFull', input.onQueueFull, QUEUE_FULL_POLICIES),
  };
}
