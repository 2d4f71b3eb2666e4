import type { AcquireOptions, ExecuteOptions } from './bulkhead.js';
import {
  validateBoolean,
  validateChoice,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateOptionsObject,
} from './internal/validate.js';
import {
  type CallPriority,
  QUEUE_FULL_POLICIES,
  QUEUE_ORDERS,
  type QueueFullPolicy,
  type QueueOrder,
} from './waiting/queue-policy.js';

/** Options of `SemaphoreBulkhead`. */
export interface SemaphoreBulkheadOptions {
  /** Calls admitted at once; integer >= 1, default 10. */
  maxConcurrent?: number;
  /** Bound on waiters; integer >= 0 or `Infinity` (default). */
  maxQueue?: number;
  /** Whether rejection errors capture a stack trace (default false: rejections stay cheap under overload). */
  captureStackTrace?: boolean;
  /** Order of waiters within a priority level: `fifo` (default, oldest first) or `lifo` (newest first). */
  queueOrder?: QueueOrder;
  /**
   * A new waiter past a full queue (`maxQueue` waiting): `reject-new` (default) rejects it with `queue_full`;
   * `drop-oldest` rejects the oldest waiter instead (reason `dropped`) so the new one waits.
   */
  onQueueFull?: QueueFullPolicy;
}

/** Options of `SemaphoreBulkhead.acquire()`: core's `AcquireOptions` plus the call's priority. */
export interface SemaphoreCallOptions extends AcquireOptions {
  /** Waiters of a higher priority are admitted first (default `normal`); see `STARVATION_INTERVAL`. */
  priority?: CallPriority;
}

/** Options of `SemaphoreBulkhead.execute()` and `wrap()`: core's `ExecuteOptions` plus the call's priority. */
export interface SemaphoreExecuteOptions extends ExecuteOptions, SemaphoreCallOptions {}

/** The constructor options of a `SemaphoreBulkhead`, validated, with defaults filled in. */
export interface ResolvedSemaphoreOptions {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly captureStackTrace: boolean;
  readonly queueOrder: QueueOrder;
  readonly onQueueFull: QueueFullPolicy;
}

const OPTION_KEYS = ['maxConcurrent', 'maxQueue', 'captureStackTrace', 'queueOrder', 'onQueueFull'] as const;

/** The keys `acquire()` and `execute()` accept. */
export const SEMAPHORE_CALL_OPTION_KEYS = ['timeout', 'signal', 'priority'] as const;

/**
 * Validates the options of a `SemaphoreBulkhead` and fills in the defaults.
 * @throws {TypeError | RangeError} naming the invalid or unknown option.
 */
export function resolveSemaphoreOptions(options: SemaphoreBulkheadOptions): ResolvedSemaphoreOptions {
  validateOptionsObject('options', options);
  validateKnownKeys(options, OPTION_KEYS);
  return {
    maxConcurrent:
      options.maxConcurrent === undefined ? 10 : validateInteger('maxConcurrent', options.maxConcurrent, 1),
    maxQueue:
      options.maxQueue === undefined
        ? Number.POSITIVE_INFINITY
        : validateIntegerOrInfinity('maxQueue', options.maxQueue, 0),
    captureStackTrace:
      options.captureStackTrace === undefined
        ? false
        : validateBoolean('captureStackTrace', options.captureStackTrace),
    queueOrder: validateChoice('queueOrder', options.queueOrder, QUEUE_ORDERS),
    onQueueFull: validateChoice('onQueueFull', options.onQueueFull, QUEUE_FULL_POLICIES),
  };
}
