import type { Worker } from 'node:worker_threads';
import type { BulkheadState } from '@x/bulkhead-core';
import { LAYOUT_VERSION, MAX_CONCURRENT_LIMIT, MAX_THREADS_LIMIT } from './internal/shared-layout.js';
import { SharedPermitTable } from './internal/shared-permit-table.js';
import {
  describe,
  validateBoolean,
  validateInteger,
  validateIntegerOrInfinity,
} from './internal/validate.js';

/** Options of `SharedBulkhead`. */
export interface SharedBulkheadOptions extends SharedBulkheadLocalOptions {
  /** Permits shared by every thread; integer 1..2**31 - 1, default 10. */
  maxConcurrent?: number;
  /**
   * Threads that may hold or wait for permits at the same time (holder slots); integer 1..65536, default 256.
   * A thread gives its slot back once it holds and waits for nothing.
   */
  maxThreads?: number;
}

/** Per-thread options, given to the constructor or to `SharedBulkhead.from()` in each thread. */
export interface SharedBulkheadLocalOptions {
  /** Bound on this thread's async waiters; integer >= 0 or `Infinity` (default). */
  maxQueue?: number;
  /** Whether rejection errors capture a stack trace (default false). */
  captureStackTrace?: boolean;
}

/** Options of `acquireSync()`. */
export interface AcquireSyncOptions {
  /** Ms to block this worker thread waiting for a permit. Omitted: immediate verdict; `Infinity`: no limit. */
  timeout?: number;
}

/** `SharedBulkhead.getState()`: counts shared by all threads, `maxQueue` and call statistics of this thread. */
export interface SharedBulkheadState extends BulkheadState {
  readonly type: 'shared';
}

/** Structured-cloneable handle of a `SharedBulkhead`; post it to a worker and call `SharedBulkhead.from(handle)` there. */
export interface SharedBulkheadHandle {
  /** Marks a handle of this package. */
  readonly kind: 'x.bulkhead.shared';
  /** Memory layout version; `from()` refuses another one. */
  readonly version: number;
  /** Name of the bulkhead. */
  readonly name: string;
  /** The shared memory holding the permits (shared, not copied, when posted). */
  readonly buffer: SharedArrayBuffer;
}

/** Keys of `SharedBulkheadOptions` (the creating thread) and of `SharedBulkheadLocalOptions` (`from()`). */
export const SHARED_OPTIONS = ['maxConcurrent', 'maxThreads', 'maxQueue', 'captureStackTrace'];
export const LOCAL_OPTIONS = ['maxQueue', 'captureStackTrace'];

/** Per-thread options after validation, with defaults applied. */
export interface ResolvedLocalOptions {
  maxQueue: number;
  captureStackTrace: boolean;
}

/**
 * Validates the per-thread options.
 * @throws {TypeError | RangeError} naming the invalid option.
 */
export function resolveLocalOptions(options: SharedBulkheadLocalOptions): ResolvedLocalOptions {
  return {
    maxQueue:
      options.maxQueue === undefined
        ? Number.POSITIVE_INFINITY
        : validateIntegerOrInfinity('maxQueue', options.maxQueue, 0),
    captureStackTrace:
      options.captureStackTrace === undefined
        ? false
        : validateBoolean('captureStackTrace', options.captureStackTrace),
  };
}

/**
 * Validates the options that size the shared memory (creating thread only).
 * @throws {TypeError | RangeError} naming the invalid option; values past the layout's bounds included.
 */
export function resolveSizes(options: SharedBulkheadOptions): { maxConcurrent: number; maxThreads: number } {
  return {
    maxConcurrent:
      options.maxConcurrent === undefined
        ? 10
        : validateAtMost(
            'maxConcurrent',
            validateInteger('maxConcurrent', options.maxConcurrent, 1),
            MAX_CONCURRENT_LIMIT,
          ),
    maxThreads:
      options.maxThreads === undefined
        ? 256
        : validateAtMost(
            'maxThreads',
            validateInteger('maxThreads', options.maxThreads, 1),
            MAX_THREADS_LIMIT,
          ),
  };
}

/** The shared memory sizes these options: a value past `maximum` would wrap or not fit. */
function validateAtMost(option: string, value: number, maximum: number): number {
  if (value > maximum) throw new RangeError(`options.${option} must be <= ${maximum}, got ${value}`);
  return value;
}

/**
 * The name and memory of a handle made by `toHandle()` of this layout version.
 * @throws {TypeError} for anything else (another shape, another layout version).
 */
export function validateHandle(handle: unknown): { name: string; buffer: SharedArrayBuffer } {
  const candidate = handle as Partial<SharedBulkheadHandle> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    candidate.kind !== 'x.bulkhead.shared' ||
    typeof candidate.name !== 'string' ||
    !(candidate.buffer instanceof SharedArrayBuffer)
  ) {
    throw new TypeError(`handle must come from SharedBulkhead.toHandle(), got ${describe(handle)}`);
  }
  if (candidate.version !== LAYOUT_VERSION || !SharedPermitTable.isCompatible(candidate.buffer)) {
    throw new TypeError(`handle has layout version ${String(candidate.version)}; expected ${LAYOUT_VERSION}`);
  }
  return { name: candidate.name, buffer: candidate.buffer };
}

/**
 * `worker` when it is a live `worker_threads` Worker (it has an exit event and a thread id).
 * @throws {TypeError} otherwise.
 */
export function validateWorker(worker: unknown): Worker {
  const candidate = worker as Partial<Worker> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.once !== 'function' ||
    typeof candidate.threadId !== 'number' ||
    candidate.threadId < 0
  ) {
    throw new TypeError(`worker must be a live worker_threads Worker, got ${describe(worker)}`);
  }
  return candidate as Worker;
}
