import type { Bulkhead } from '../bulkhead.js';
import {
  describe,
  validateBoolean,
  validateChoice,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateOptionsObject,
  validateTimeout,
} from '../internal/validate.js';
import { isBulkhead } from '../is-bulkhead.js';
import {
  QUEUE_FULL_POLICIES,
  QUEUE_ORDERS,
  type QueueFullPolicy,
  type QueueOrder,
} from '../waiting/queue-policy.js';

/** The limits every key's compartment gets. */
export interface PerKeyOptions {
  /** Calls of one key admitted at once; integer >= 1. */
  maxConcurrent: number;
  /** Bound on one key's waiters; integer >= 0 or `Infinity` (default). */
  maxQueue?: number;
}

/** Options of `KeyedBulkhead`. */
export interface KeyedBulkheadOptions {
  /** The compartment each key gets. */
  perKey: PerKeyOptions;
  /**
   * Bound on live keys (integer >= 1, default 10,000). A new key past it evicts the least recently used
   * idle key; with no idle key it is rejected (`BulkheadFullError`, reason `queue_full`).
   */
  maxKeys?: number;
  /** Milliseconds a key stays with nothing active or waiting before it is evicted (default 60,000). */
  idleTimeout?: number;
  /** A bulkhead every call also needs: taken after the key's permit, released before it. */
  global?: Bulkhead;
  /** Whether `getState()` lists each live key (default false: state stays aggregated, cardinality-safe). */
  perKeyState?: boolean;
  /** Order of a key's waiters within a priority level: `fifo` (default) or `lifo`. */
  queueOrder?: QueueOrder;
  /** A new waiter past a full key queue: `reject-new` (default), or `drop-oldest` (the key's oldest, reason `dropped`). */
  onQueueFull?: QueueFullPolicy;
  /** Whether rejection errors capture a stack trace (default false). */
  captureStackTrace?: boolean;
}

/** Validated options. */
export interface ResolvedKeyedOptions {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly maxKeys: number;
  readonly idleTimeout: number;
  readonly global: Bulkhead | undefined;
  readonly perKeyState: boolean;
  readonly captureStackTrace: boolean;
  readonly queueOrder: QueueOrder;
  readonly onQueueFull: QueueFullPolicy;
}

const KNOWN_OPTIONS = [
  'perKey',
  'maxKeys',
  'idleTimeout',
  'global',
  'perKeyState',
  'queueOrder',
  'onQueueFull',
  'captureStackTrace',
] as const;
const KNOWN_PER_KEY_OPTIONS = ['maxConcurrent', 'maxQueue'] as const;

/**
 * Validates the options of a `KeyedBulkhead`.
 * @throws {TypeError | RangeError} naming the option that is invalid.
 */
export function resolveKeyedOptions(options: unknown): ResolvedKeyedOptions {
  if (options === undefined) throw new TypeError('options.perKey must be an object, got undefined');
  validateOptionsObject('options', options);
  const input = options as Record<string, unknown>;
  validateKnownKeys(input, KNOWN_OPTIONS);
  const perKey = input.perKey;
  if (typeof perKey !== 'object' || perKey === null) {
    throw new TypeError(`options.perKey must be an object, got ${describe(perKey)}`);
  }
  validateKnownKeys(perKey, KNOWN_PER_KEY_OPTIONS, 'options.perKey');
  const { maxConcurrent, maxQueue } = perKey as Record<string, unknown>;
  const global = input.global;
  if (global !== undefined && !isBulkhead(global)) {
    throw new TypeError(`options.global must be a Bulkhead, got ${describe(global)}`);
  }
  return {
    maxConcurrent: validateInteger('perKey.maxConcurrent', maxConcurrent, 1),
    maxQueue:
      maxQueue === undefined
        ? Number.POSITIVE_INFINITY
        : validateIntegerOrInfinity('perKey.maxQueue', maxQueue, 0),
    maxKeys: input.maxKeys === undefined ? 10_000 : validateInteger('maxKeys', input.maxKeys, 1),
    idleTimeout: input.idleTimeout === undefined ? 60_000 : validateTimeout('idleTimeout', input.idleTimeout),
    global,
    perKeyState: input.perKeyState === undefined ? false : validateBoolean('perKeyState', input.perKeyState),
    queueOrder: validateChoice('queueOrder', input.queueOrder, QUEUE_ORDERS),
    onQueueFull: validateChoice('onQueueFull', input.onQueueFull, QUEUE_FULL_POLICIES),
    captureStackTrace:
      input.captureStackTrace === undefined
        ? false
        : validateBoolean('captureStackTrace', input.captureStackTrace),
  };
}
