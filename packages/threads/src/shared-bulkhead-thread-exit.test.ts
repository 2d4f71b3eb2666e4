import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { SLEEPERS } from './internal/shared-layout.js';
import { SharedBulkhead } from './shared-bulkhead.js';

const SHARED_WORKER = new URL('../test/fixtures/shared-worker.mjs', import.meta.url);
const workers: Worker[] = [];

function spawn(shared: SharedBulkhead, data: Record<string, unknown>): Worker {
  const worker = new Worker(SHARED_WORKER, { workerData: { handle: shared.toHandle(), ...data } });
  worker.on('error', () => undefined);
  workers.push(worker);
  return worker;
}

/** The worker's first message; rejects if it exits first. */
function firstMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before posting`)));
  });
}

function exitOf(worker: Worker): Promise<number> {
  return new Promise((resolve) => worker.once('exit', resolve));
}

/** Yields to the event loop until `condition` holds (no timers: progress, not elapsed time). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** Threads sleeping on the bulkhead's futex word, all threads (read from the shared memory). */
function sleepers(shared: SharedBulkhead): number {
  return Atomics.load(new Int32Array(shared.toHandle().buffer), SLEEPERS);
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
});

describe('SharedBulkhead: a thread that dies while waiting leaves no phantom waiter', () => {
  it('a watched worker terminated inside acquireSync() is no longer counted as waiting nor sleeping', async () => {
    const shared = new SharedBulkhead('dies-in-acquire-sync', { maxConcurrent: 1 });
    const held = await shared.acquire();
    const worker = spawn(shared, { mode: 'wait-sync' });
    shared.watch(worker);
    await firstMessage(worker);
    await until(() => shared.getState().waitingCount === 1);
    expect(sleepers(shared)).toBe(1);
    const exited = exitOf(worker);
    await worker.terminate();
    await exited;
    expect(shared.getState()).toMatchObject({ waitingCount: 0, activeCount: 1 });
    expect(sleepers(shared)).toBe(0);
    held.release();
    expect(shared.getState()).toMatchObject({ waitingCount: 0, activeCount: 0 });
  });

  it('a watched worker terminated with queued acquire() calls takes its waiters and its sleeper with it', async () => {
    const shared = new SharedBulkhead('dies-with-queued-acquires', { maxConcurrent: 1 });
    const held = await shared.acquire();
    const worker = spawn(shared, { mode: 'wait-async', count: 3 });
    shared.watch(worker);
    expect(await firstMessage(worker)).toBe('queued');
    await until(() => shared.getState().waitingCount === 3 && sleepers(shared) === 1);
    const exited = exitOf(worker);
    await worker.terminate();
    await exited;
    expect(shared.getState()).toMatchObject({ waitingCount: 0 });
    expect(sleepers(shared)).toBe(0);
    // The main thread still waits and is served as before.
    const waiting = shared.acquire({ timeout: Number.POSITIVE_INFINITY });
    expect(shared.getState().waitingCount).toBe(1);
    held.release();
    (await waiting).release();
    expect(shared.getState()).toMatchObject({ waitingCount: 0, activeCount: 0 });
    expect(sleepers(shared)).toBe(0);
  });
});

describe('SharedBulkhead: short-lived threads give their holder slot back', () => {
  it('the (maxThreads + 1)th short-lived, unwatched thread can still take a permit', async () => {
    // The 257th thread with the default 256 slots; 4 slots keep the test fast, the mechanism is the same.
    const shared = new SharedBulkhead('short-lived', { maxConcurrent: 2, maxThreads: 4 });
    const answers: unknown[] = [];
    for (let started = 0; started < 9; started += 2) {
      // Two at a time, none watched: each takes one permit, gives it back and exits.
      const batch = [spawn(shared, { mode: 'take-once' }), spawn(shared, { mode: 'take-once' })];
      const exits = batch.map(exitOf);
      answers.push(...(await Promise.all(batch.map(firstMessage))));
      await Promise.all(exits);
    }
    expect(answers).toEqual(Array.from({ length: 10 }, () => 'took'));
    expect(shared.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
  });

  it('with maxThreads: 1, threads that hold nothing any more make way for the next one', async () => {
    const shared = new SharedBulkhead('one-slot', { maxConcurrent: 1, maxThreads: 1 });
    // The main thread takes and gives back first: its slot must not stay taken.
    (await shared.acquire()).release();
    // A thread gives its idle slot back in the check phase of the turn: let this one pass.
    await new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < 3; index++) {
      const worker = spawn(shared, { mode: 'take-once' });
      // Listen for the exit first: a worker that ends at once emits its last message and 'exit' together.
      const exited = exitOf(worker);
      expect(await firstMessage(worker)).toBe('took');
      await exited;
    }
    expect(shared.tryAcquire()).toBeDefined();
  });
});

describe('SharedBulkhead: options that size the shared memory', () => {
  it('rejects maxConcurrent: 2**31 with a RangeError naming the option (it would wrap in an Int32 cell)', () => {
    expect(() => new SharedBulkhead('s', { maxConcurrent: 2 ** 31 })).toThrow(
      new RangeError('options.maxConcurrent must be <= 2147483647, got 2147483648'),
    );
    expect(new SharedBulkhead('s', { maxConcurrent: 2 ** 31 - 1 }).maxConcurrent).toBe(2 ** 31 - 1);
  });

  it('rejects maxThreads: 2**31 with a RangeError naming the option', () => {
    expect(() => new SharedBulkhead('s', { maxThreads: 2 ** 31 })).toThrow(
      new RangeError('options.maxThreads must be <= 65536, got 2147483648'),
    );
  });
});
