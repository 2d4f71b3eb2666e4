import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BulkheadClosedError, SemaphoreBulkhead } from './index.js';
import { deferred, flush, track, useFakeClock } from './test-support/async-helpers.js';
import { fill } from './test-support/permits.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

describe('resize', () => {
  it('growing admits waiters at once, in FIFO order', async () => {
    const bulkhead = new SemaphoreBulkhead('grow', { maxConcurrent: 1 });
    fill(bulkhead);
    const order: number[] = [];
    const waiters = [0, 1, 2].map((index) =>
      track(bulkhead.acquire({ timeout: 1000 }).then(() => order.push(index))),
    );
    bulkhead.resize(3);
    expect(bulkhead.maxConcurrent).toBe(3);
    expect(bulkhead.activeCount).toBe(3);
    expect(bulkhead.waitingCount).toBe(1);
    await flush();
    expect(order).toEqual([0, 1]);
    expect(waiters[2]?.status).toBe('pending');
  });

  it('shrinking never cancels in-flight work; new admissions wait until active < new limit', async () => {
    const bulkhead = new SemaphoreBulkhead('shrink', { maxConcurrent: 3 });
    const permits = fill(bulkhead);
    bulkhead.resize(1);
    expect(bulkhead.activeCount).toBe(3);
    expect(permits.every((permit) => !permit.released)).toBe(true);
    expect(bulkhead.tryAcquire()).toBeUndefined();
    const waiter = track(bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY }));
    permits[0]?.release();
    await flush();
    expect(bulkhead.activeCount).toBe(2);
    expect(waiter.status).toBe('pending');
    permits[1]?.release();
    await flush();
    expect(waiter.status).toBe('pending');
    permits[2]?.release();
    await flush();
    expect(waiter.status).toBe('fulfilled');
    expect(bulkhead.activeCount).toBe(1);
  });

  it('reports utilization capped at 100 and no available permits while over the limit', () => {
    const bulkhead = new SemaphoreBulkhead('over', { maxConcurrent: 4 });
    fill(bulkhead);
    bulkhead.resize(2);
    expect(bulkhead.getState()).toMatchObject({
      maxConcurrent: 2,
      activeCount: 4,
      availablePermits: 0,
      utilizationPercent: 100,
    });
  });

  it('validates the new limit and keeps the old one on error', () => {
    const bulkhead = new SemaphoreBulkhead('resize-invalid', { maxConcurrent: 2 });
    expect(() => bulkhead.resize(0)).toThrow(new RangeError('options.maxConcurrent must be >= 1, got 0'));
    expect(() => bulkhead.resize(1.5)).toThrow(
      new RangeError('options.maxConcurrent must be an integer, got 1.5'),
    );
    expect(() => bulkhead.resize('3' as never)).toThrow(
      new TypeError('options.maxConcurrent must be a number, got string "3"'),
    );
    expect(bulkhead.maxConcurrent).toBe(2);
  });
});

describe('close', () => {
  it('rejects every waiter with BulkheadClosedError and resolves when in-flight work is done', async () => {
    const bulkhead = new SemaphoreBulkhead('close', { maxConcurrent: 2 });
    const gate = deferred<string>();
    const running = track(bulkhead.execute(() => gate.promise));
    const [held] = fill(bulkhead);
    const controller = new AbortController();
    const waiters = [
      track(bulkhead.acquire({ timeout: 1000 })),
      track(bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY, signal: controller.signal })),
    ];
    const closed = track(bulkhead.close());
    expect(bulkhead.closed).toBe(true);
    expect(bulkhead.waitingCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await flush();
    for (const waiter of waiters) {
      expect(waiter.status).toBe('rejected');
      expect(waiter.error).toBeInstanceOf(BulkheadClosedError);
      expect(waiter.error).toMatchObject({ reason: 'shutdown', bulkheadName: 'close' });
    }
    controller.abort();
    expect(bulkhead.getState().rejectedCount).toBe(2);
    expect(closed.status).toBe('pending');
    held?.release();
    await flush();
    expect(closed.status).toBe('pending');
    expect(running.status).toBe('pending');
    gate.resolve('done');
    await flush();
    expect(running.value).toBe('done');
    expect(closed.status).toBe('fulfilled');
    expect(bulkhead.getState()).toMatchObject({ closed: true, activeCount: 0, waitingCount: 0 });
  });

  it('resolves at once when idle, is idempotent, and later calls are rejected', async () => {
    const bulkhead = new SemaphoreBulkhead('close-idle');
    await bulkhead.close();
    await bulkhead.close();
    await expect(bulkhead.acquire({ timeout: 1000 })).rejects.toBeInstanceOf(BulkheadClosedError);
    expect(bulkhead.tryAcquire()).toBeUndefined();
  });

  it('every close() call resolves once the last permit is released', async () => {
    const bulkhead = new SemaphoreBulkhead('close-twice', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const first = track(bulkhead.close());
    const second = track(bulkhead.close());
    await flush();
    expect([first.status, second.status]).toEqual(['pending', 'pending']);
    held?.release();
    await flush();
    expect([first.status, second.status]).toEqual(['fulfilled', 'fulfilled']);
  });

  it('resize after close admits nobody', async () => {
    const bulkhead = new SemaphoreBulkhead('close-resize', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const waiter = track(bulkhead.acquire({ timeout: 1000 }));
    const closing = bulkhead.close();
    bulkhead.resize(5);
    expect(bulkhead.activeCount).toBe(1);
    held?.release();
    await closing;
    expect(waiter.status).toBe('rejected');
  });
});

describe('getState', () => {
  it('is a frozen snapshot with every field and derived values', () => {
    const bulkhead = new SemaphoreBulkhead('state', { maxConcurrent: 4, maxQueue: 8 });
    const initial = bulkhead.getState();
    expect(initial).toEqual({
      name: 'state',
      type: 'semaphore',
      maxConcurrent: 4,
      activeCount: 0,
      waitingCount: 0,
      maxQueue: 8,
      rejectedCount: 0,
      totalCalls: 0,
      successfulCalls: 0,
      failedCalls: 0,
      lastRejectionTime: null,
      availablePermits: 4,
      utilizationPercent: 0,
      closed: false,
    });
    expect(Object.isFrozen(initial)).toBe(true);
    const permit = bulkhead.tryAcquire();
    expect(initial.activeCount).toBe(0);
    expect(bulkhead.getState()).toMatchObject({
      activeCount: 1,
      availablePermits: 3,
      utilizationPercent: 25,
    });
    permit?.release();
  });

  it('counts waiters and reports an unbounded queue as Infinity', () => {
    const bulkhead = new SemaphoreBulkhead('state-waiting', { maxConcurrent: 1 });
    fill(bulkhead);
    void bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY });
    void bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY });
    expect(bulkhead.getState()).toMatchObject({
      waitingCount: 2,
      maxQueue: Number.POSITIVE_INFINITY,
      availablePermits: 0,
      utilizationPercent: 100,
    });
  });

  it('records lastRejectionTime (epoch ms) of the latest rejection', async () => {
    vi.setSystemTime(new Date('2026-01-02T03:04:05.000Z'));
    const bulkhead = new SemaphoreBulkhead('state-rejection', { maxConcurrent: 1 });
    fill(bulkhead);
    await bulkhead.acquire().catch(() => undefined);
    expect(bulkhead.getState()).toMatchObject({
      rejectedCount: 1,
      lastRejectionTime: Date.parse('2026-01-02T03:04:05.000Z'),
    });
    vi.setSystemTime(new Date('2026-01-02T03:04:06.000Z'));
    expect(bulkhead.tryAcquire()).toBeUndefined();
    expect(bulkhead.getState()).toMatchObject({
      rejectedCount: 2,
      lastRejectionTime: Date.parse('2026-01-02T03:04:06.000Z'),
    });
  });

  it('counts every call: successes, failures, permit timeouts, queue timeouts and full rejections', async () => {
    const bulkhead = new SemaphoreBulkhead('statistics', { maxConcurrent: 1, maxQueue: 1 });
    await bulkhead.execute(() => 'fast path');
    await bulkhead.execute(() => 'with options', { timeout: 10 });
    await expect(
      bulkhead.execute(() => {
        throw new Error('business');
      }),
    ).rejects.toThrow('business');
    const held = bulkhead.tryAcquire()!;
    const expiring = track(bulkhead.acquire({ timeout: 5 }));
    await expect(bulkhead.acquire({ timeout: 5 })).rejects.toMatchObject({ reason: 'queue_full' });
    await vi.advanceTimersByTimeAsync(5);
    expect(expiring.error).toMatchObject({ reason: 'queue_timeout' });
    held.release('timeout');
    expect(bulkhead.tryAcquire()).toBeDefined();
    // A permit released with outcome `timeout` is a failed call; the semaphore keeps no timeout count itself.
    expect(bulkhead.getState()).not.toHaveProperty('timedOutCount');
    expect(bulkhead.getState()).toMatchObject({
      totalCalls: 7,
      rejectedCount: 2,
      successfulCalls: 2,
      failedCalls: 2,
      activeCount: 1,
    });
  });

  it('exposes the counters as getters too', () => {
    const bulkhead = new SemaphoreBulkhead('getters', { maxConcurrent: 2, maxQueue: 3 });
    expect([bulkhead.name, bulkhead.type, bulkhead.maxConcurrent, bulkhead.maxQueue]).toEqual([
      'getters',
      'semaphore',
      2,
      3,
    ]);
    expect(bulkhead.closed).toBe(false);
  });
});
