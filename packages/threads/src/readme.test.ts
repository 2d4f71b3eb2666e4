// Each README example, run as written (paths point at test/fixtures).
import { Worker } from 'node:worker_threads';
import { BulkheadTimeoutError } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { contextPropagators, requestContext } from '../test/fixtures/readme-request-context.mjs';
import { SharedBulkhead } from './shared-bulkhead.js';
import { ThreadPoolBulkhead } from './thread-pool-bulkhead.js';

const fixtures = new URL('../test/fixtures/', import.meta.url);

/** The worker's first message; rejects if it fails or exits first (so a broken worker cannot hang the test). */
function firstMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before posting`)));
  });
}

describe('README examples', () => {
  it('ThreadPoolBulkhead: run, time out, close', async () => {
    const math = new ThreadPoolBulkhead('math', {
      filename: new URL('./readme-math-worker.mjs', fixtures),
      maxWorkers: 2,
      maxQueue: 10,
      runTimeout: 5_000,
    });

    const value = await math.execute<number>(20, { name: 'fibonacci' }); // runs in a worker thread
    expect(value).toBe(6765);

    let stopped = false;
    try {
      await math.execute(undefined, { name: 'spin', runTimeout: 100 });
    } catch (error) {
      stopped = BulkheadTimeoutError.isInstance(error); // the worker was terminated, not abandoned
    }
    expect(stopped).toBe(true);

    expect(math.getState()).toMatchObject({ type: 'thread_pool', queueCapacity: 10, timedOutCount: 1 });
    await math.close({ timeout: 1_000 });
  });

  it('context propagation: a request id crosses into the worker', async () => {
    const reports = new ThreadPoolBulkhead('reports', {
      filename: new URL('./readme-report-worker.mjs', fixtures),
      maxWorkers: 1,
      contextPropagators,
    });
    const requestId = await requestContext.run({ requestId: 'r-42' }, () =>
      reports.execute(undefined, { name: 'whoAsked' }),
    );
    expect(requestId).toBe('r-42');
    await reports.close();
  });

  it('SharedBulkhead: one limit for the main thread and its workers', async () => {
    const database = new SharedBulkhead('database', { maxConcurrent: 8 });
    let exited: Promise<unknown>;
    {
      await using permit = await database.acquire({ timeout: 1_000 }); // never blocks the event loop
      const worker = new Worker(new URL('./readme-database-worker.mjs', fixtures), {
        workerData: database.toHandle(),
      });
      // Listen for 'exit' at once: the worker may finish before the scope below is disposed.
      exited = new Promise((resolve) => worker.once('exit', resolve));
      database.watch(worker); // permits of a worker that dies come back on its 'exit'
      const message = await firstMessage(worker);
      expect(message).toBe('querying with 2 permit(s) taken');
      expect(permit.released).toBe(false);
    }
    await exited;
    expect(database.getState()).toMatchObject({ type: 'shared', activeCount: 0 });
  });

  it('SharedBulkhead with a thread pool: handle in workerData, permits reclaimed on worker exit', async () => {
    const database = new SharedBulkhead('database-pool', { maxConcurrent: 4 });
    const pool = new ThreadPoolBulkhead('importer', {
      filename: new URL('./shared-tasks.mjs', fixtures),
      maxWorkers: 2,
      workerData: database.toHandle(),
      sharedBulkheads: [database],
    });
    await expect(pool.execute(undefined, { name: 'holdBriefly' })).resolves.toBe('ok');
    await pool.close();
  });
});
