import path from 'node:path';
import { type Bulkhead, SemaphoreBulkhead } from '@x/bulkhead-core';
import { loadThreadPoolBulkhead } from '../internal/thread-pool-loader.js';
import type { CompartmentSettings } from './settings.js';

/**
 * Creates the compartment `settings` describe: a `SemaphoreBulkhead`, or a `ThreadPoolBulkhead` from the
 * optional peer `@x/bulkhead-threads`.
 * @throws {BulkheadError} when a thread pool is asked for and `@x/bulkhead-threads` is missing.
 */
export function createCompartment(name: string, settings: CompartmentSettings): Bulkhead {
  if (settings.type === 'semaphore') {
    return new SemaphoreBulkhead(name, {
      maxConcurrent: settings.maxConcurrent,
      maxQueue: settings.maxQueue,
      ...(settings.queueOrder === undefined ? {} : { queueOrder: settings.queueOrder }),
      ...(settings.onQueueFull === undefined ? {} : { onQueueFull: settings.onQueueFull }),
    });
  }
  const ThreadPoolBulkhead = loadThreadPoolBulkhead();
  return new ThreadPoolBulkhead(name, {
    filename: path.resolve(settings.workerFilename ?? ''),
    maxWorkers: settings.maxConcurrent,
    maxQueue: settings.maxQueue,
  });
}
