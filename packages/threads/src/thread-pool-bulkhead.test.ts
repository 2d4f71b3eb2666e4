import { BulkheadClosedError, BulkheadFullError, BulkheadTimeoutError } from '@x/bulkhead-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPoolBulkhead } from './thread-pool-bulkhead.js';
import { WorkerCrashedError } from './worker-crashed-error.js';

const TASKS = new URL('../test/fixtures/tasks.mjs', import.meta.url);

type WaitAsync = (
  view: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

const open: ThreadPoolBulkhead[] = [];

function pool(name: string, options: { maxWorkers?: number; maxQueue?: number; runTimeout?: number } = {}) {
  const bulkhead = new ThreadPoolBulkhead(name, { filename: TASKS, maxWorkers: 1, maxQueue: 1, ...options });
  open.push(bulkhead);
  return bulkhead;
}

/** A barrier the worker task blocks on until `open()` is called (no sleeps). */
function latch() {
  const state = {
    latch: new Int32Array(new SharedArrayBuffer(4)),
    started: new Int32Array(new SharedArrayBuffer(4)),
  };
  return {
    task: state,
    /** Resolves once `count` tasks have entered the latch. */
    async started(count: number): Promise<void> {
      for (;;) {
        const value = Atomics.load(state.started, 0);
        if (value >= count) return;
        const wait = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(state.started, 0, value);
        if (wait.async) await wait.value;
      }
    },
    open(): void {
      Atomics.store(state.latch, 0, 1);
      Atomics.notify(state.latch, 0);
    },
  };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((bulkhead) => bulkhead.close({ timeout: 0 })));
});

describe('ThreadPoolBulkhead: running tasks', () => {
  it('runs the default export, or the export named by options.name, with the task as argument', async () => {
    const bulkhead = pool('run');
    await expect(bulkhead.execute({ hello: 'world' })).resolves.toEqual({ hello: 'world' });
    await expect(bulkhead.execute<number>(21, { name: 'double' })).resolves.toBe(42);
  });

  it('runs tasks on worker threads, not on the caller thread', async () => {
    const bulkhead = pool('threads');
    const threadId = await bulkhead.execute<number>(undefined, { name: 'whoAmI' });
    expect(threadId).toBeGreaterThan(0);
  });

  it('moves the objects of transferList to the worker', async () => {
    const bulkhead = pool('transfer');
    const buffer = new ArrayBuffer(16);
    await expect(bulkhead.execute(buffer, { name: 'byteLength', transferList: [buffer] })).resolves.toBe(16);
    expect(buffer.byteLength).toBe(0);
  });

  it('reports a missing export as the task error', async () => {
    const bulkhead = pool('missing');
    await expect(bulkhead.execute(1, { name: 'nope' })).rejects.toThrow(/exports no function named 'nope'/);
  });
});

describe('ThreadPoolBulkhead: capacity', () => {
  it('admits maxWorkers + maxQueue tasks and rejects the next one at once with queue_full', async () => {
    const bulkhead = pool('capacity', { maxWorkers: 1, maxQueue: 1 });
    const rejected: string[] = [];
    bulkhead.on('rejected', (event) => rejected.push(event.reason));
    const barrier = latch();
    const running = bulkhead.execute(barrier.task, { name: 'waitForLatch' });
    const queued = bulkhead.execute(barrier.task, { name: 'waitForLatch' });
    await barrier.started(1);
    const state = bulkhead.getState();
    expect(state).toMatchObject({
      type: 'thread_pool',
      activeCount: 1,
      waitingCount: 1,
      queueCapacity: 1,
      maxQueue: 1,
      maxConcurrent: 1,
      poolSize: 1,
    });
    const error = await bulkhead.execute(1).catch((caught: unknown) => caught);
    expect(BulkheadFullError.isInstance(error)).toBe(true);
    expect((error as BulkheadFullError).reason).toBe('queue_full');
    expect(rejected).toEqual(['queue_full']);
    expect(bulkhead.tryAcquire()).toBeUndefined();
    barrier.open();
    await expect(Promise.all([running, queued])).resolves.toEqual(['released', 'released']);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, rejectedCount: 2 });
  });

  it('emits permitted and finished with the core payloads, in order', async () => {
    const bulkhead = pool('events');
    const trace: string[] = [];
    bulkhead.on('permitted', (event) => trace.push(`permitted:${event.bulkheadType}:${event.activeCount}`));
    bulkhead.on('finished', (event) => trace.push(`finished:${event.outcome}`));
    await bulkhead.execute(1);
    await bulkhead.execute('boom', { name: 'fail' }).catch(() => undefined);
    expect(trace).toEqual([
      'permitted:thread_pool:1',
      'finished:success',
      'permitted:thread_pool:1',
      'finished:failure',
    ]);
  });

  it('acquire()/tryAcquire() reserve a worker slot: tasks queue behind a held permit', async () => {
    const bulkhead = pool('reserve');
    const permit = bulkhead.tryAcquire();
    expect(permit).toBeDefined();
    const trace: string[] = [];
    const task = bulkhead.execute(7).then((value) => trace.push(`task:${value}`));
    expect(bulkhead.getState()).toMatchObject({ activeCount: 1, waitingCount: 1 });
    await expect(bulkhead.acquire()).rejects.toMatchObject({ reason: 'queue_full' });
    trace.push('release');
    permit?.release();
    permit?.release();
    await task;
    expect(trace).toEqual(['release', 'task:7']);
    expect(bulkhead.activeCount).toBe(0);
  });

  it('acquire({ timeout }) waits in the queue and times out with queue_timeout', async () => {
    const bulkhead = pool('acquire-wait', { maxQueue: 2 });
    const held = await bulkhead.acquire();
    await expect(bulkhead.acquire({ timeout: 20 })).rejects.toMatchObject({ reason: 'queue_timeout' });
    const waiting = bulkhead.acquire({ timeout: 60_000 });
    held.release();
    const second = await waiting;
    expect(second.bulkheadName).toBe('acquire-wait');
    second.release();
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
  });

  it('execute(fn) runs the function in the caller thread while it holds a slot', async () => {
    const bulkhead = pool('function');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = bulkhead.execute(async ({ signal }) => {
      expect(signal.aborted).toBe(false);
      await gate;
      return 'done';
    });
    expect(bulkhead.getState()).toMatchObject({ activeCount: 1 });
    const queued = bulkhead.execute(3, { name: 'double' });
    expect(bulkhead.getState()).toMatchObject({ waitingCount: 1 });
    release();
    await expect(running).resolves.toBe('done');
    await expect(queued).resolves.toBe(6);
  });

  it('wrap(fn) protects a function with the pool slots', async () => {
    const bulkhead = pool('wrap');
    const add = bulkhead.wrap((a: number, b: number) => a + b);
    await expect(add(2, 3)).resolves.toBe(5);
  });
});

describe('ThreadPoolBulkhead: run budgets really stop the task', () => {
  it('terminates a task that spins forever and frees its slot only once the worker has exited', async () => {
    const bulkhead = pool('spin', { maxWorkers: 1, maxQueue: 1 });
    const trace: string[] = [];
    bulkhead.on('permitted', () => trace.push('permitted'));
    bulkhead.on('finished', (event) => trace.push(`finished:${event.outcome}`));
    const spinning = bulkhead.execute(undefined, { name: 'spinForever', runTimeout: 100 });
    const next = bulkhead.execute(5, { name: 'double' });
    const error = await spinning.catch((caught: unknown) => caught);
    expect(BulkheadTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ timeout: 100, bulkheadName: 'spin' });
    // The caller has its verdict, but the worker is still being terminated: the slot stays taken.
    expect(bulkhead.getState()).toMatchObject({ activeCount: 1, waitingCount: 1, timedOutCount: 1 });
    await expect(next).resolves.toBe(10);
    expect(trace).toEqual(['permitted', 'finished:timeout', 'permitted', 'finished:success']);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, timedOutCount: 1 });
  });

  it('uses the bulkhead runTimeout as the default run budget; a call may lift it with Infinity', async () => {
    const bulkhead = pool('default-run-timeout', { runTimeout: 50 });
    await expect(bulkhead.execute(undefined, { name: 'spinForever' })).rejects.toBeInstanceOf(
      BulkheadTimeoutError,
    );
    await expect(bulkhead.execute(4, { name: 'double', runTimeout: Number.POSITIVE_INFINITY })).resolves.toBe(
      8,
    );
  });

  it('rejects a task whose wait budget (timeout) runs out in the queue with queue_timeout; it never runs', async () => {
    const bulkhead = pool('queue-timeout');
    const barrier = latch();
    const running = bulkhead.execute(barrier.task, { name: 'waitForLatch' });
    await barrier.started(1);
    await expect(bulkhead.execute(1, { timeout: 20 })).rejects.toMatchObject({ reason: 'queue_timeout' });
    barrier.open();
    await expect(running).resolves.toBe('released');
    expect(bulkhead.getState()).toMatchObject({ timedOutCount: 0, rejectedCount: 1 });
  });

  it('aborting a running task terminates its worker and rejects with the reason', async () => {
    const bulkhead = pool('abort-running');
    const controller = new AbortController();
    const finished = new Promise<string>((resolve) =>
      bulkhead.on('finished', (event) => resolve(event.outcome)),
    );
    const spinning = bulkhead.execute(undefined, { name: 'spinForever', signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(spinning).rejects.toThrow('stop');
    await expect(finished).resolves.toBe('failure');
    await expect(bulkhead.execute(1, { name: 'double' })).resolves.toBe(2);
  });

  it('aborting a queued task removes it from the queue', async () => {
    const bulkhead = pool('abort-queued');
    const barrier = latch();
    const running = bulkhead.execute(barrier.task, { name: 'waitForLatch' });
    const controller = new AbortController();
    const queued = bulkhead.execute(1, { signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    await expect(queued).rejects.toThrow('changed my mind');
    expect(bulkhead.getState()).toMatchObject({ waitingCount: 0 });
    barrier.open();
    await running;
  });

  it('rejects an already aborted signal at once', async () => {
    const bulkhead = pool('aborted');
    await expect(bulkhead.execute(1, { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow(
      'early',
    );
  });

  it('a timed-out execute(fn) aborts the signal and keeps its slot (orphaned) until fn settles', async () => {
    const bulkhead = pool('orphan');
    let finish!: () => void;
    const seen: boolean[] = [];
    const call = bulkhead.execute(
      ({ signal }) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => seen.push(true));
          finish = resolve;
        }),
      { runTimeout: 20 },
    );
    await expect(call).rejects.toBeInstanceOf(BulkheadTimeoutError);
    expect(seen).toEqual([true]);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 1, orphanedCount: 1, timedOutCount: 1 });
    finish();
    await expect(bulkhead.execute(2, { name: 'double' })).resolves.toBe(4);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, orphanedCount: 0 });
  });
});

describe('ThreadPoolBulkhead: crashes fail only their own task', () => {
  it('propagates an error thrown by the task, with its code, and the next task runs', async () => {
    const bulkhead = pool('throw');
    const error = await bulkhead.execute('bad input', { name: 'fail' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: 'bad input', code: 'E_TASK' });
    expect(WorkerCrashedError.isInstance(error)).toBe(false);
    await expect(bulkhead.execute(1, { name: 'double' })).resolves.toBe(2);
  });

  it('turns process.exit in a task into WorkerCrashedError (cause kept); the pool recovers', async () => {
    const bulkhead = pool('exit');
    const error = await bulkhead.execute(3, { name: 'exit' }).catch((caught: unknown) => caught);
    expect(WorkerCrashedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'exit', exitCode: 3, code: 'BULKHEAD_WORKER_CRASHED' });
    expect(String((error as Error).cause)).toMatch(/exited with code: 3/);
    expect(bulkhead.activeCount).toBe(0);
    await expect(bulkhead.execute(1, { name: 'double' })).resolves.toBe(2);
  });

  it('turns an exceeded resourceLimits into WorkerCrashedError; the pool recovers', async () => {
    const bulkhead = new ThreadPoolBulkhead('oom', {
      filename: TASKS,
      maxWorkers: 1,
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    open.push(bulkhead);
    const error = await bulkhead
      .execute(undefined, { name: 'allocateForever' })
      .catch((caught: unknown) => caught);
    expect(WorkerCrashedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'resource_limits' });
    expect((error as Error).cause).toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    await expect(bulkhead.execute(1, { name: 'double' })).resolves.toBe(2);
    expect(bulkhead.activeCount).toBe(0);
  });
});

describe('ThreadPoolBulkhead: close', () => {
  it('rejects queued tasks at once with BulkheadClosedError; only the running task finishes', async () => {
    const bulkhead = pool('close-queued', { maxQueue: 3 });
    const barrier = latch();
    const trace: string[] = [];
    bulkhead.on('permitted', () => trace.push('permitted'));
    bulkhead.on('rejected', (event) => trace.push(`rejected:${event.reason}`));
    const running = bulkhead.execute(barrier.task, { name: 'waitForLatch' });
    await barrier.started(1);
    const queued = [1, 2, 3].map((value) =>
      bulkhead.execute(value, { name: 'double' }).then(
        () => 'ran',
        (error: unknown) => (BulkheadClosedError.isInstance(error) ? 'closed' : 'other'),
      ),
    );
    const closing = bulkhead.close();
    // The queued tasks have their verdict while the running one still holds its worker.
    expect(await Promise.all(queued)).toEqual(['closed', 'closed', 'closed']);
    expect(bulkhead.getState()).toMatchObject({ closed: true, activeCount: 1, waitingCount: 0 });
    await expect(bulkhead.execute(1)).rejects.toBeInstanceOf(BulkheadClosedError);
    expect(bulkhead.tryAcquire()).toBeUndefined();
    barrier.open();
    await closing;
    await expect(running).resolves.toBe('released');
    expect(trace).toEqual([
      'permitted',
      'rejected:shutdown',
      'rejected:shutdown',
      'rejected:shutdown',
      'rejected:shutdown',
      'rejected:shutdown',
    ]);
    expect(bulkhead.getState()).toMatchObject({ closed: true, activeCount: 0, poolSize: 0 });
  });

  it('rejects queued acquirers at close and starts no task afterwards, whatever a rejected listener does', async () => {
    const bulkhead = pool('close-reentrant', { maxQueue: 2 });
    const permit = bulkhead.tryAcquire();
    const waiting = bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY });
    const queuedTask = bulkhead.execute(4, { name: 'double' });
    const started: string[] = [];
    bulkhead.on('permitted', () => started.push('permitted'));
    // A listener that frees the slot while close() rejects the queue must not admit anyone.
    bulkhead.on('rejected', () => permit?.release());
    const closing = bulkhead.close();
    await expect(waiting).rejects.toBeInstanceOf(BulkheadClosedError);
    await expect(queuedTask).rejects.toBeInstanceOf(BulkheadClosedError);
    await closing;
    expect(started).toEqual([]);
  });

  it('terminates what is still running after close({ timeout }); every promise settles', async () => {
    const bulkhead = pool('close-timeout', { maxWorkers: 1, maxQueue: 2 });
    const spinning = bulkhead.execute(undefined, { name: 'spinForever' });
    const queued = bulkhead.execute(1);
    const settled = Promise.allSettled([spinning, queued]);
    await bulkhead.close({ timeout: 50 });
    const [first, second] = await settled;
    expect(first).toMatchObject({ status: 'rejected' });
    expect(second).toMatchObject({ status: 'rejected' });
    const firstError = (first as PromiseRejectedResult).reason;
    expect(BulkheadClosedError.isInstance(firstError)).toBe(true);
    expect((firstError as Error).cause).toBeDefined();
    expect(BulkheadClosedError.isInstance((second as PromiseRejectedResult).reason)).toBe(true);
    await expect(bulkhead.close()).resolves.toBeUndefined();
  });
});
