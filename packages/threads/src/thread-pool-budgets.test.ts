import { setTimeout as sleep } from 'node:timers/promises';
import { BulkheadFullError, BulkheadTimeoutError } from '@x/bulkhead-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPoolBulkhead } from './thread-pool-bulkhead.js';

const TASKS = new URL('../test/fixtures/tasks.mjs', import.meta.url);
const open: ThreadPoolBulkhead[] = [];

type WaitAsync = (
  view: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

function pool(name: string, options: { maxQueue?: number; runTimeout?: number } = {}): ThreadPoolBulkhead {
  const bulkhead = new ThreadPoolBulkhead(name, { filename: TASKS, maxWorkers: 1, maxQueue: 2, ...options });
  open.push(bulkhead);
  return bulkhead;
}

/** Occupies the only worker until `open()` (the task blocks on shared memory). */
async function occupy(bulkhead: ThreadPoolBulkhead) {
  const latch = new Int32Array(new SharedArrayBuffer(4));
  const started = new Int32Array(new SharedArrayBuffer(4));
  const running = bulkhead.execute({ latch, started }, { name: 'waitForLatch' });
  while (Atomics.load(started, 0) === 0) {
    const wait = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(started, 0, 0);
    if (wait.async) await wait.value;
  }
  return {
    running,
    open(): void {
      Atomics.store(latch, 0, 1);
      Atomics.notify(latch, 0);
    },
  };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((bulkhead) => bulkhead.close({ timeout: 0 })));
});

describe('ThreadPoolBulkhead: timeout is the wait budget, runTimeout the run budget', () => {
  it('execute(fn) without timeout gives an immediate verdict when every slot is taken, as the semaphore does', async () => {
    const bulkhead = pool('fn-immediate');
    const busy = await occupy(bulkhead);
    const error = await bulkhead.execute(() => 'never').catch((caught: unknown) => caught);
    expect(BulkheadFullError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'queue_full' });
    // With a wait budget it queues and runs once the slot frees.
    const waiting = bulkhead.execute(() => 'ran', { timeout: Number.POSITIVE_INFINITY });
    expect(bulkhead.waitingCount).toBe(1);
    busy.open();
    await expect(waiting).resolves.toBe('ran');
    await busy.running;
  });

  it('a task with timeout: 0 is refused at once when the worker is busy; without timeout it queues', async () => {
    const bulkhead = pool('task-immediate');
    const busy = await occupy(bulkhead);
    await expect(bulkhead.execute(1, { name: 'double', timeout: 0 })).rejects.toMatchObject({
      reason: 'queue_full',
    });
    const queued = bulkhead.execute(2, { name: 'double' });
    expect(bulkhead.waitingCount).toBe(1);
    busy.open();
    await expect(queued).resolves.toBe(4);
  });

  it('the run budget counts from the start of the task: time spent queued does not use it up', async () => {
    const bulkhead = pool('run-budget-from-start');
    const busy = await occupy(bulkhead);
    const queued = bulkhead.execute(3, { name: 'double', runTimeout: 30 });
    // Queued at least twice as long as its run budget (load only makes this wait longer).
    await sleep(60);
    busy.open();
    await expect(queued).resolves.toBe(6);
    expect(bulkhead.getState()).toMatchObject({ timedOutCount: 0 });
  });

  it('a run budget that runs out terminates the task whatever its wait budget', async () => {
    const bulkhead = pool('run-budget-expires');
    const error = await bulkhead
      .execute(undefined, { name: 'spinForever', timeout: Number.POSITIVE_INFINITY, runTimeout: 30 })
      .catch((caught: unknown) => caught);
    expect(BulkheadTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ timeout: 30 });
    await expect(bulkhead.execute(5, { name: 'double' })).resolves.toBe(10);
  });

  it('validates runTimeout per call', async () => {
    const bulkhead = pool('run-budget-validation');
    await expect(bulkhead.execute(1, { runTimeout: 0 })).rejects.toThrow(
      new RangeError('options.runTimeout must be > 0 (a run budget), got 0'),
    );
    await expect(bulkhead.execute(() => 1, { runTimeout: -1 })).rejects.toThrow(RangeError);
  });

  it('gives every execute(fn) call its own signal (no process-wide shared signal)', async () => {
    const bulkhead = new ThreadPoolBulkhead('own-signals', { filename: TASKS, maxWorkers: 2, minWorkers: 0 });
    open.push(bulkhead);
    const signals: AbortSignal[] = [];
    await bulkhead.execute(({ signal }) => signals.push(signal));
    await bulkhead.execute(({ signal }) => signals.push(signal));
    expect(signals[0]).not.toBe(signals[1]);
    expect(signals.every((signal) => !signal.aborted)).toBe(true);
  });
});
