import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { BulkheadClosedError, BulkheadError, BulkheadFullError, type Permit } from '@x/bulkhead-core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SharedBulkhead } from './shared-bulkhead.js';
import { ThreadPoolBulkhead } from './thread-pool-bulkhead.js';

const SHARED_WORKER = new URL('../test/fixtures/shared-worker.mjs', import.meta.url);
const SHARED_TASKS = new URL('../test/fixtures/shared-tasks.mjs', import.meta.url);

const workers: Worker[] = [];

function spawn(shared: SharedBulkhead, data: Record<string, unknown>): Worker {
  const worker = new Worker(SHARED_WORKER, { workerData: { handle: shared.toHandle(), ...data } });
  worker.on('error', () => undefined);
  workers.push(worker);
  return worker;
}

/** The worker's next message; rejects if it fails or exits first (a broken worker cannot hang the test). */
function nextMessage(worker: Worker): Promise<unknown> {
  return once(worker, 'message').then(([message]) => message);
}

/** Resolves when the worker posts 'done'; rejects if it exits first. */
function doneOf(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.on('message', (message) => {
      if (message === 'done') resolve();
    });
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was done`)));
  });
}

/** Resolves on 'exit' (unlike `once`, an 'error' event before it does not reject). */
function exitOf(worker: Worker): Promise<number> {
  return new Promise((resolve) => worker.once('exit', resolve));
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
});

describe('SharedBulkhead: options', () => {
  it('validates options.maxConcurrent', () => {
    expect(() => new SharedBulkhead('s', { maxConcurrent: 0 })).toThrow(
      'options.maxConcurrent must be >= 1, got 0',
    );
  });
  it('validates options.maxQueue', () => {
    expect(() => new SharedBulkhead('s', { maxQueue: -1 })).toThrow('options.maxQueue must be >= 0, got -1');
  });
  it('validates options.maxThreads', () => {
    expect(() => new SharedBulkhead('s', { maxThreads: 1.5 })).toThrow(
      'options.maxThreads must be an integer',
    );
  });
  it('validates options.captureStackTrace', () => {
    expect(() => new SharedBulkhead('s', { captureStackTrace: 'yes' as never })).toThrow(
      'options.captureStackTrace must be a boolean',
    );
  });
  it('validates the name', () => {
    expect(() => new SharedBulkhead('')).toThrow(RangeError);
  });
  it('rejects a handle that did not come from toHandle()', () => {
    expect(() => SharedBulkhead.from({ name: 'x' } as never)).toThrow(TypeError);
  });
  it('rejects an invalid threadId in reclaim() and a non-worker in watch()', () => {
    const shared = new SharedBulkhead('s');
    expect(() => shared.reclaim(-1)).toThrow(TypeError);
    expect(() => shared.reclaim(0)).toThrow(RangeError);
    expect(() => shared.watch({} as never)).toThrow(TypeError);
  });
});

describe('SharedBulkhead: in one thread', () => {
  it('grants up to maxConcurrent permits, then rejects at once with queue_full', async () => {
    const shared = new SharedBulkhead('one', { maxConcurrent: 2 });
    const first = await shared.acquire();
    const second = shared.tryAcquire();
    expect(second).toBeDefined();
    expect(shared.tryAcquire()).toBeUndefined();
    const error = await shared.acquire().catch((caught: unknown) => caught);
    expect(BulkheadFullError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'queue_full' });
    expect(shared.getState()).toMatchObject({
      type: 'shared',
      activeCount: 2,
      availablePermits: 0,
      rejectedCount: 2,
    });
    first.release();
    second?.release();
    expect(shared.getState()).toMatchObject({ activeCount: 0 });
    expect(shared.getState().lastRejectionTime).not.toBeNull();
  });

  it('releases each permit exactly once', async () => {
    const shared = new SharedBulkhead('once', { maxConcurrent: 2 });
    const permit = await shared.acquire();
    await shared.acquire();
    permit.release();
    permit.release();
    expect(permit.released).toBe(true);
    expect(shared.activeCount).toBe(1);
  });

  it('serves this thread’s waiters in FIFO order', async () => {
    const shared = new SharedBulkhead('fifo', { maxConcurrent: 1 });
    const held = await shared.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((index) =>
      shared.acquire({ timeout: 60_000 }).then((permit) => {
        order.push(index);
        permit.release();
      }),
    );
    expect(shared.getState().waitingCount).toBe(3);
    held.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(shared.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
  });

  it('times a waiter out with queue_timeout and honours maxQueue', async () => {
    const shared = new SharedBulkhead('timeout', { maxConcurrent: 1, maxQueue: 1 });
    const held = await shared.acquire();
    const waiting = shared.acquire({ timeout: 20 });
    await expect(shared.acquire({ timeout: 1000 })).rejects.toMatchObject({ reason: 'queue_full' });
    await expect(waiting).rejects.toMatchObject({ reason: 'queue_timeout' });
    expect(shared.getState().waitingCount).toBe(0);
    held.release();
  });

  it('removes an aborted waiter and rejects with the signal’s reason', async () => {
    const shared = new SharedBulkhead('abort', { maxConcurrent: 1 });
    const held = await shared.acquire();
    const controller = new AbortController();
    const waiting = shared.acquire({ timeout: 60_000, signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(shared.getState().waitingCount).toBe(0);
    held.release();
    expect(shared.activeCount).toBe(0);
  });

  it('execute() and wrap() release the permit whatever the function does', async () => {
    const shared = new SharedBulkhead('execute', { maxConcurrent: 1 });
    const outcomes: string[] = [];
    shared.on('finished', (event) => outcomes.push(event.outcome));
    await expect(shared.execute(() => 'ok')).resolves.toBe('ok');
    await expect(
      shared.execute(() => {
        throw new Error('business');
      }),
    ).rejects.toThrow('business');
    await expect(shared.wrap((a: number) => a + 1)(1)).resolves.toBe(2);
    expect(outcomes).toEqual(['success', 'failure', 'success']);
    expect(shared.activeCount).toBe(0);
  });

  it('close() rejects waiters and later calls, and resolves once permits are back', async () => {
    const shared = new SharedBulkhead('close', { maxConcurrent: 1 });
    const held = await shared.acquire();
    const waiting = shared.acquire({ timeout: 60_000 });
    let closed = false;
    const closing = shared.close().then(() => {
      closed = true;
    });
    await expect(waiting).rejects.toBeInstanceOf(BulkheadClosedError);
    await expect(shared.acquire()).rejects.toBeInstanceOf(BulkheadClosedError);
    expect(closed).toBe(false);
    held.release();
    await closing;
    expect(shared.getState().closed).toBe(true);
  });

  it('acquireSync() refuses to block the main thread', () => {
    const shared = new SharedBulkhead('sync');
    expect(() => shared.acquireSync()).toThrow(BulkheadError);
    expect(() => shared.acquireSync()).toThrow(/only be called in a worker thread/);
  });

  it('keeps activeCount equal to the permits held, within the limit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constant('take' as const), fc.nat({ max: 6 })), { maxLength: 40 }),
        (limit, operations) => {
          const shared = new SharedBulkhead('property', { maxConcurrent: limit });
          const held: Permit[] = [];
          for (const operation of operations) {
            if (operation === 'take') {
              const permit = shared.tryAcquire();
              if (permit !== undefined) held.push(permit);
            } else {
              // Release (possibly twice: the second call must do nothing).
              held[operation % Math.max(1, held.length)]?.release();
            }
            const live = held.filter((permit) => !permit.released).length;
            expect(shared.activeCount).toBe(live);
            expect(shared.activeCount).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});

describe('SharedBulkhead: across real worker threads', () => {
  it('never lets more than maxConcurrent holders in at once, over several contending workers', async () => {
    const shared = new SharedBulkhead('contend', { maxConcurrent: 2 });
    const stats = new Int32Array(new SharedArrayBuffer(8));
    const done = [0, 1, 2, 3].map((index) => {
      const worker = spawn(shared, {
        mode: index % 2 === 0 ? 'contend-sync' : 'contend-async',
        iterations: 150,
        stats,
      });
      return doneOf(worker);
    });
    await Promise.all(done);
    expect(Atomics.load(stats, 1)).toBeLessThanOrEqual(2);
    expect(Atomics.load(stats, 1)).toBeGreaterThanOrEqual(1);
    expect(shared.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
  });

  it('wakes a main-thread acquire() when a worker releases, without blocking the event loop', async () => {
    const shared = new SharedBulkhead('wake', { maxConcurrent: 1 });
    const holder = spawn(shared, { mode: 'hold', count: 1 });
    await expect(nextMessage(holder)).resolves.toBe('holding');
    let granted = false;
    const waiting = shared.acquire({ timeout: Number.POSITIVE_INFINITY }).then((permit) => {
      granted = true;
      return permit;
    });
    // The event loop keeps running while we wait: a timer fires before the grant.
    await new Promise((resolve) => setImmediate(resolve));
    expect(granted).toBe(false);
    holder.postMessage('release');
    const permit = await waiting;
    expect(shared.activeCount).toBe(1);
    permit.release();
  });

  it('reports queue_full and queue_timeout from acquireSync() inside a worker', async () => {
    const shared = new SharedBulkhead('sync-errors', { maxConcurrent: 1 });
    const worker = spawn(shared, { mode: 'acquire-sync-errors' });
    await expect(nextMessage(worker)).resolves.toEqual(['queue_full', 'queue_timeout']);
    expect(shared.activeCount).toBe(0);
  });

  it.each(['exit', 'throw'])(
    'recovers the permits of a worker that crashes (%s) while others contend',
    async (crash) => {
      const shared = new SharedBulkhead('crash', { maxConcurrent: 2 });
      const stats = new Int32Array(new SharedArrayBuffer(8));
      const crasher = spawn(shared, { mode: 'hold', count: 2 });
      shared.watch(crasher);
      await expect(nextMessage(crasher)).resolves.toBe('holding');
      expect(shared.activeCount).toBe(2);
      const contenders = [0, 1, 2].map(() => spawn(shared, { mode: 'contend-sync', iterations: 20, stats }));
      const done = contenders.map(doneOf);
      // All three block on the permits the crasher holds.
      await vi.waitFor(() => expect(shared.getState().waitingCount).toBe(3), {
        timeout: 20_000,
        interval: 5,
      });
      const exited = exitOf(crasher);
      crasher.postMessage(crash);
      await exited;
      await Promise.all(done);
      expect(Atomics.load(stats, 1)).toBeLessThanOrEqual(2);
      expect(shared.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
    },
  );

  it('reclaim(threadId) returns the permits of an exited thread once', async () => {
    const shared = new SharedBulkhead('reclaim', { maxConcurrent: 3 });
    const worker = spawn(shared, { mode: 'hold', count: 2 });
    const threadId = worker.threadId;
    await nextMessage(worker);
    const exited = exitOf(worker);
    worker.postMessage('exit');
    await exited;
    expect(shared.activeCount).toBe(2);
    expect(shared.reclaim(threadId)).toBe(2);
    expect(shared.reclaim(threadId)).toBe(0);
    expect(shared.activeCount).toBe(0);
  });

  it('reclaims a permit held by a thread-pool task that timed out (sharedBulkheads option)', async () => {
    const shared = new SharedBulkhead('pool-shared', { maxConcurrent: 1 });
    const pool = new ThreadPoolBulkhead('pool-with-shared', {
      filename: SHARED_TASKS,
      maxWorkers: 1,
      workerData: shared.toHandle(),
      sharedBulkheads: [shared],
    });
    try {
      const finished = new Promise<void>((resolve) => pool.on('finished', () => resolve()));
      await expect(pool.execute(undefined, { name: 'holdAndSpin', runTimeout: 200 })).rejects.toMatchObject({
        code: 'BULKHEAD_TIMEOUT',
      });
      await finished;
      expect(shared.activeCount).toBe(0);
      await expect(pool.execute(undefined, { name: 'holdBriefly' })).resolves.toBe('ok');
    } finally {
      await pool.close({ timeout: 0 });
    }
  });
});
