import { createRequire } from 'node:module';
import { type Bulkhead, BulkheadError } from '@x/bulkhead-core';
import { messageOf } from './thrown-value.js';

/** Options the PRO registry passes to `ThreadPoolBulkhead`. */
export interface ThreadPoolCreationOptions {
  filename: string;
  maxWorkers: number;
  maxQueue: number;
}

/** The constructor exported by `@x/bulkhead-threads`. */
export type ThreadPoolConstructor = new (name: string, options: ThreadPoolCreationOptions) => Bulkhead;

const THREADS_PACKAGE = '@x/bulkhead-threads';
let cached: ThreadPoolConstructor | undefined;

/**
 * Loads `ThreadPoolBulkhead` from the optional peer `@x/bulkhead-threads` on first use (synchronously,
 * so `getOrCreate()` stays synchronous).
 * @throws {BulkheadError} naming the package to install when it is missing, too old or fails to load.
 */
export function loadThreadPoolBulkhead(): ThreadPoolConstructor {
  if (cached !== undefined) return cached;
  let module: { ThreadPoolBulkhead?: unknown };
  try {
    module = createRequire(import.meta.url)(THREADS_PACKAGE) as { ThreadPoolBulkhead?: unknown };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    if (missing && String((error as Error).message).includes(`'${THREADS_PACKAGE}'`)) {
      throw new BulkheadError(
        `Compartments of type 'thread_pool' need the optional peer dependency ${THREADS_PACKAGE}; install it (npm install ${THREADS_PACKAGE}) or use type 'semaphore'`,
        'BULKHEAD_ERROR',
        { cause: error },
      );
    }
    throw new BulkheadError(`${THREADS_PACKAGE} failed to load: ${messageOf(error)}`, 'BULKHEAD_ERROR', {
      cause: error,
    });
  }
  if (typeof module.ThreadPoolBulkhead !== 'function') {
    throw new BulkheadError(
      `The installed ${THREADS_PACKAGE} does not export ThreadPoolBulkhead; update it to a version matching @x/bulkhead-pro`,
    );
  }
  cached = module.ThreadPoolBulkhead as ThreadPoolConstructor;
  return cached;
}
