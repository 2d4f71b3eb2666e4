import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RejectedEvent } from './events.js';
import {
  BulkheadClosedError,
  BulkheadFullError,
  type CallPriority,
  type Permit,
  SemaphoreBulkhead,
  type SemaphoreBulkheadOptions,
} from './index.js';
import { flush, type Tracked, track, useFakeClock } from './test-support/async-helpers.js';
import { STARVATION_INTERVAL } from './waiting/queue-policy.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

interface CallOptions {
  priority?: CallPriority;
  timeout?: number;
  signal?: AbortSignal;
}

/** One permit, held; `queue` adds a labelled waiting call, `started` records the order the calls start in. */
function singlePermit(options: SemaphoreBulkheadOptions = {}) {
  const bulkhead = new SemaphoreBulkhead('ordered', { maxConcurrent: 1, ...options });
  const held = bulkhead.tryAcquire()!;
  const started: string[] = [];
  const refused: string[] = [];
  const rejected: RejectedEvent[] = [];
  bulkhead.on('rejected', (event) => rejected.push(event));
  const queue = (label: string, call: CallOptions = {}): Tracked<unknown> => {
    const promise = bulkhead.execute(
      () => {
        started.push(label);
      },
      { timeout: Number.POSITIVE_INFINITY, ...call },
    );
    promise.catch(() => refused.push(label));
    return track(promise);
  };
  return { bulkhead, held, started, refused, rejected, queue };
}

/** Releases the held permit and lets every queued call run, one after the other. */
async function drain(held: Permit): Promise<void> {
  held.release();
  for (let round = 0; round < 20; round++) await flush();
}

const reasonOf = (call: Tracked<unknown>): string | undefined =>
  BulkheadFullError.isInstance(call.error) ? call.error.reason : undefined;

describe('SemaphoreBulkhead priorities', () => {
  it('serves high before normal before low', async () => {
    const { held, started, queue } = singlePermit();
    queue('low', { priority: 'low' });
    queue('normal');
    queue('high', { priority: 'high' });
    await drain(held);
    expect(started).toEqual(['high', 'normal', 'low']);
  });

  it('keeps FIFO order within a level', async () => {
    const { held, started, queue } = singlePermit();
    queue('high-1', { priority: 'high' });
    queue('normal-1', { priority: 'normal' });
    queue('high-2', { priority: 'high' });
    queue('normal-2');
    await drain(held);
    expect(started).toEqual(['high-1', 'high-2', 'normal-1', 'normal-2']);
  });

  it(`gives every ${STARVATION_INTERVAL}th admission to the oldest waiter, so a low waiter never starves`, async () => {
    const { bulkhead, held, started, queue } = singlePermit();
    queue('low', { priority: 'low' });
    for (let index = 1; index <= 6; index++) queue(`high-${index}`, { priority: 'high' });
    await drain(held);
    expect(started).toEqual(['high-1', 'high-2', 'high-3', 'low', 'high-4', 'high-5', 'high-6']);
    expect(started.indexOf('low')).toBeLessThan(STARVATION_INTERVAL);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, successfulCalls: 8 });
  });

  it('orders acquire() waiters the same way', async () => {
    const bulkhead = new SemaphoreBulkhead('acquire-priority', { maxConcurrent: 1 });
    const held = bulkhead.tryAcquire()!;
    const order: string[] = [];
    const waitFor = (label: string, priority: CallPriority) =>
      bulkhead.acquire({ timeout: 1000, priority }).then((permit) => {
        order.push(label);
        permit.release();
      });
    const all = Promise.all([waitFor('low', 'low'), waitFor('high', 'high'), waitFor('normal', 'normal')]);
    held.release();
    await all;
    expect(order).toEqual(['high', 'normal', 'low']);
  });
});

describe('SemaphoreBulkhead queueOrder', () => {
  it('serves the newest first with lifo (the anti-starvation rule still applies)', async () => {
    const { held, started, queue } = singlePermit({ queueOrder: 'lifo' });
    for (let index = 1; index <= 5; index++) queue(`call-${index}`);
    await drain(held);
    expect(started).toEqual(['call-5', 'call-4', 'call-3', 'call-1', 'call-2']);
  });

  it('applies lifo within each level, higher levels first', async () => {
    const { held, started, queue } = singlePermit({ queueOrder: 'lifo' });
    for (const label of ['low-1', 'low-2', 'low-3']) queue(label, { priority: 'low' });
    for (const label of ['high-1', 'high-2']) queue(label, { priority: 'high' });
    await drain(held);
    // The 4th admission is the oldest waiter's (low-1), whatever the level or order.
    expect(started).toEqual(['high-2', 'high-1', 'low-3', 'low-1', 'low-2']);
  });
});

describe('SemaphoreBulkhead onQueueFull', () => {
  it('drop-oldest rejects the oldest waiter with reason dropped so the newest can wait', async () => {
    const { bulkhead, held, started, rejected, queue } = singlePermit({
      maxQueue: 2,
      onQueueFull: 'drop-oldest',
    });
    // The oldest waiter is not the next one: drop-oldest sheds by age, whatever the priority.
    const first = queue('first', { priority: 'low' });
    const second = queue('second', { priority: 'high' });
    const third = queue('third');
    await flush();
    expect([first.status, second.status, third.status]).toEqual(['rejected', 'pending', 'pending']);
    expect(reasonOf(first)).toBe('dropped');
    expect(first.error).toMatchObject({ code: 'BULKHEAD_FULL', bulkheadName: 'ordered' });
    expect(rejected).toEqual([
      expect.objectContaining({
        bulkheadName: 'ordered',
        reason: 'dropped',
        activeCount: 1,
        waitingCount: 2,
      }),
    ]);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 1, waitingCount: 2, rejectedCount: 1 });
    await drain(held);
    expect(started).toEqual(['second', 'third']);
  });

  it('drop-oldest sheds an acquire() waiter the same way', async () => {
    const bulkhead = new SemaphoreBulkhead('drop-acquire', {
      maxConcurrent: 1,
      maxQueue: 1,
      onQueueFull: 'drop-oldest',
    });
    const held = bulkhead.tryAcquire()!;
    const oldest = track(bulkhead.acquire({ timeout: 1000 }));
    const newest = track(bulkhead.acquire({ timeout: 1000 }));
    await flush();
    expect(reasonOf(oldest)).toBe('dropped');
    expect(newest.status).toBe('pending');
    held.release();
    await flush();
    expect(newest.status).toBe('fulfilled');
    (newest.value as Permit).release();
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, rejectedCount: 1 });
  });

  it('with maxQueue 0 there is nothing to drop: queue_full', async () => {
    const { bulkhead, held, rejected, queue } = singlePermit({ maxQueue: 0, onQueueFull: 'drop-oldest' });
    const call = queue('call');
    await flush();
    expect(reasonOf(call)).toBe('queue_full');
    expect(rejected.map((event) => event.reason)).toEqual(['queue_full']);
    expect(bulkhead.waitingCount).toBe(0);
    held.release();
  });

  it('reject-new (default) rejects the newest with queue_full and keeps the waiters', async () => {
    const { held, started, queue } = singlePermit({ maxQueue: 1 });
    const first = queue('first');
    const second = queue('second');
    await flush();
    expect(first.status).toBe('pending');
    expect(reasonOf(second)).toBe('queue_full');
    await drain(held);
    expect(started).toEqual(['first']);
  });

  it('the new waiter already waits when the dropped one is rejected: a listener that releases admits it', async () => {
    const bulkhead = new SemaphoreBulkhead('drop-reentrant', {
      maxConcurrent: 1,
      maxQueue: 1,
      onQueueFull: 'drop-oldest',
    });
    const held = bulkhead.tryAcquire()!;
    bulkhead.on('rejected', (event) => {
      if (event.reason === 'dropped') held.release();
    });
    const oldest = track(bulkhead.execute(() => 'oldest', { timeout: 1000 }));
    const newest = track(bulkhead.execute(() => 'newest', { timeout: 1000 }));
    expect(bulkhead.getState()).toMatchObject({ activeCount: 1, waitingCount: 0 });
    await flush();
    expect(reasonOf(oldest)).toBe('dropped');
    expect(newest).toMatchObject({ status: 'fulfilled', value: 'newest' });
    expect(bulkhead.activeCount).toBe(0);
  });
});

describe('SemaphoreBulkhead waiters leaving a level', () => {
  for (const priority of ['low', 'normal', 'high'] as const) {
    it(`an aborted ${priority} waiter leaves at once; the others keep their order`, async () => {
      const { bulkhead, held, started, rejected, queue } = singlePermit();
      const controller = new AbortController();
      queue('low', { priority: 'low' });
      queue('normal');
      queue('high', { priority: 'high' });
      const leaving = queue('leaving', { priority, signal: controller.signal });
      controller.abort(new Error('caller gave up'));
      expect(bulkhead.waitingCount).toBe(3);
      await flush();
      expect(leaving).toMatchObject({ status: 'rejected', error: new Error('caller gave up') });
      expect(rejected.map((event) => event.reason)).toEqual(['aborted']);
      await drain(held);
      expect(started).toEqual(['high', 'normal', 'low']);
    });

    it(`a ${priority} waiter times out at its deadline; the others keep their order`, async () => {
      const { bulkhead, held, started, queue } = singlePermit();
      queue('low', { priority: 'low' });
      queue('normal');
      queue('high', { priority: 'high' });
      const leaving = queue('leaving', { priority, timeout: 50 });
      vi.advanceTimersByTime(49);
      expect(bulkhead.waitingCount).toBe(4);
      vi.advanceTimersByTime(1);
      expect(bulkhead.waitingCount).toBe(3);
      await flush();
      expect(reasonOf(leaving)).toBe('queue_timeout');
      await drain(held);
      expect(started).toEqual(['high', 'normal', 'low']);
      expect(vi.getTimerCount()).toBe(0);
    });
  }
});

describe('SemaphoreBulkhead close() with priorities', () => {
  it('rejects the waiters of every level, oldest first, and admits none whatever a listener does', async () => {
    const { bulkhead, held, started, refused, rejected, queue } = singlePermit({ queueOrder: 'lifo' });
    bulkhead.on('rejected', () => {
      held.release();
      bulkhead.resize(10);
    });
    const calls = [
      queue('low', { priority: 'low' }),
      queue('high', { priority: 'high' }),
      queue('normal'),
      queue('high-2', { priority: 'high', timeout: 100 }),
    ];
    const closed = bulkhead.close();
    expect(bulkhead.waitingCount).toBe(0);
    await flush();
    for (const call of calls) expect(BulkheadClosedError.isInstance(call.error)).toBe(true);
    expect(refused).toEqual(['low', 'high', 'normal', 'high-2']);
    expect(rejected.map((event) => [event.reason, event.waitingCount])).toEqual([
      ['shutdown', 0],
      ['shutdown', 0],
      ['shutdown', 0],
      ['shutdown', 0],
    ]);
    await closed;
    expect(started).toEqual([]);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, rejectedCount: 4 });
    expect(vi.getTimerCount()).toBe(0);
  });
});
