import { BulkheadFullError, BulkheadTimeoutError } from '@x/bulkhead-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

/** A barrier a worker task blocks on (`waitForLatch`) until `open()`; `started()` waits for it to enter. */
function latch() {
  const task = {
    latch: new Int32Array(new SharedArrayBuffer(4)),
    started: new Int32Array(new SharedArrayBuffer(4)),
  };
  return {
    task,
    async started(): Promise<void> {
      while (Atomics.load(task.started, 0) === 0) {
        const wait = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(task.started, 0, 0);
        if (wait.async) await wait.value;
      }
    },
    open(): void {
      Atomics.store(task.latch, 0, 1);
      Atomics.notify(task.latch, 0);
    },
  };
}

/** Occupies the only worker until `open()`. */
async function occupy(bulkhead: ThreadPoolBulkhead) {
  const barrier = latch();
  const running = bulkhead.execute(barrier.task, { name: 'waitForLatch' });
  await barrier.started();
  return { running, open: barrier.open };
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
    const second = latch();
    // Only the monotonic clock is faked: the task is queued for "10 s" without waiting for real.
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const queued = bulkhead.execute(second.task, { name: 'waitForLatch', runTimeout: 5_000 });
      vi.advanceTimersByTime(10_000);
      busy.open();
      await second.started();
      // A budget counted from the enqueue would be spent: its timer (due at once) fires before this
      // 1 ms timer, armed after it. Counted from the start, it is 5 s away.
      await new Promise((resolve) => setTimeout(resolve, 1));
      second.open();
      await expect(queued).resolves.toBe('released');
    } finally {
      vi.useRealTimers();
    }
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
