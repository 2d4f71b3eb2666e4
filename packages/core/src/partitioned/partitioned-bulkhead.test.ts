import { afterEach, describe, expect, it, vi } from 'vitest';
import { BulkheadClosedError, BulkheadFullError } from '../errors.js';
import type { RejectedEvent } from '../events.js';
import type { Permit } from '../permit.js';
import { flush, track, useFakeClock } from '../test-support/async-helpers.js';
import { PartitionedBulkhead } from './partitioned-bulkhead.js';

function liveAndBatch(maxConcurrent = 10, maxQueue?: number): PartitionedBulkhead<'live' | 'batch'> {
  return new PartitionedBulkhead('api', {
    maxConcurrent,
    ...(maxQueue === undefined ? {} : { maxQueue }),
    partitions: { live: { share: 0.9 }, batch: { share: 0.1 } },
  });
}

function take(
  bulkhead: PartitionedBulkhead<'live' | 'batch'>,
  partition: 'live' | 'batch',
  count: number,
): Permit[] {
  return Array.from({ length: count }, () => bulkhead.tryAcquire({ partition })!);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PartitionedBulkhead', () => {
  it('lends idle live capacity to a batch flood, and hands it back at the next release once live waits', async () => {
    const bulkhead = liveAndBatch();
    const batch = take(bulkhead, 'batch', 10);
    expect(bulkhead.getState().partitions.batch).toEqual({
      guaranteed: 1,
      active: 10,
      waiting: 0,
      rejected: 0,
      borrowed: 9,
    });
    const live = track(bulkhead.acquire({ partition: 'live', timeout: Number.POSITIVE_INFINITY }));
    const moreBatch = track(bulkhead.acquire({ partition: 'batch', timeout: Number.POSITIVE_INFINITY }));
    batch[0]!.release();
    await flush();
    expect(live.status).toBe('fulfilled');
    expect(moreBatch.status).toBe('pending');
    expect(bulkhead.activeCount).toBe(10);
    moreBatch.value?.release();
  });

  it('keeps a batch flood to its share while live traffic uses the rest', async () => {
    const bulkhead = liveAndBatch();
    const live = take(bulkhead, 'live', 9);
    const batch = take(bulkhead, 'batch', 1);
    const liveWaiter = track(bulkhead.acquire({ partition: 'live', timeout: 1_000 }));
    const batchWaiters = Array.from({ length: 5 }, () =>
      track(bulkhead.acquire({ partition: 'batch', timeout: 1_000 })),
    );
    // A batch permit coming back goes to batch (at its guarantee, no deficit for live); a live one to live.
    live[0]!.release();
    await flush();
    expect(liveWaiter.status).toBe('fulfilled');
    expect(batchWaiters.every((waiter) => waiter.status === 'pending')).toBe(true);
    batch[0]!.release();
    await flush();
    expect(batchWaiters[0]!.status).toBe('fulfilled');
    expect(bulkhead.getState().partitions.batch!.active).toBe(1);
    expect(bulkhead.getState().partitions.live!.active).toBe(9);
  });

  it('gives calls without a partition only capacity no partition waits for', async () => {
    const bulkhead = liveAndBatch(2);
    const spare = bulkhead.tryAcquire()!;
    const live = bulkhead.tryAcquire({ partition: 'live' })!;
    const unpartitioned = track(bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY }));
    const liveWaiter = track(bulkhead.acquire({ partition: 'live', timeout: Number.POSITIVE_INFINITY }));
    spare.release();
    await flush();
    expect(liveWaiter.status).toBe('fulfilled');
    expect(unpartitioned.status).toBe('pending');
    live.release();
    await flush();
    expect(unpartitioned.status).toBe('fulfilled');
    expect(bulkhead.getState().unpartitioned.borrowed).toBe(1);
  });

  it('rejects an unknown partition name with a TypeError naming the valid ones', async () => {
    const bulkhead = liveAndBatch();
    await expect(bulkhead.execute(() => 1, { partition: 'bulk' as 'batch' })).rejects.toThrow(
      new TypeError('options.partition must be one of live, batch, got string "bulk"'),
    );
    expect(() => bulkhead.tryAcquire({ partition: 'bulk' as 'live' })).toThrow(TypeError);
  });

  it('runs execute() in its partition and releases the permit whatever the function does', async () => {
    const bulkhead = liveAndBatch();
    await expect(bulkhead.execute(() => 'ok', { partition: 'live' })).resolves.toBe('ok');
    await expect(
      bulkhead.execute(
        () => {
          throw new RangeError('boom');
        },
        { partition: 'batch' },
      ),
    ).rejects.toThrow('boom');
    const state = bulkhead.getState();
    expect(state.activeCount).toBe(0);
    expect(state.successfulCalls).toBe(1);
    expect(state.failedCalls).toBe(1);
  });

  it('rejects at once without a timeout, and after the timeout with queue_timeout', async () => {
    useFakeClock();
    // Shares 0.9 / 0.1 need maxConcurrent >= 2 (each positive share is guaranteed a permit).
    expect(() => liveAndBatch(1)).toThrow(RangeError);
    const two = liveAndBatch(2);
    take(two, 'live', 1);
    take(two, 'batch', 1);
    await expect(two.acquire({ partition: 'live' })).rejects.toMatchObject({ reason: 'queue_full' });
    const waiting = track(two.acquire({ partition: 'live', timeout: 50 }));
    await vi.advanceTimersByTimeAsync(50);
    expect(waiting.status).toBe('rejected');
    expect(BulkheadFullError.isInstance(waiting.error)).toBe(true);
    expect((waiting.error as BulkheadFullError).reason).toBe('queue_timeout');
    expect(two.getState().partitions.live!.rejected).toBe(2);
    expect(two.waitingCount).toBe(0);
  });

  it('takes an aborted waiter out of its queue and rejects it with the signal reason', async () => {
    const bulkhead = liveAndBatch(2);
    take(bulkhead, 'live', 2);
    const controller = new AbortController();
    const waiting = track(
      bulkhead.acquire({ partition: 'batch', timeout: Number.POSITIVE_INFINITY, signal: controller.signal }),
    );
    controller.abort(new RangeError('caller left'));
    await flush();
    expect(waiting.error).toEqual(new RangeError('caller left'));
    expect(bulkhead.getState().partitions.batch).toMatchObject({ waiting: 0, rejected: 1 });
  });

  it('bounds the waiters of a partition by its own maxQueue, so a flood cannot fill the queue live needs', async () => {
    const bulkhead = new PartitionedBulkhead('api', {
      maxConcurrent: 2,
      partitions: { live: { share: 0.5 }, batch: { share: 0.5, maxQueue: 1 } },
    });
    bulkhead.tryAcquire({ partition: 'batch' });
    bulkhead.tryAcquire({ partition: 'batch' });
    const queued = track(bulkhead.acquire({ partition: 'batch', timeout: Number.POSITIVE_INFINITY }));
    await expect(bulkhead.acquire({ partition: 'batch', timeout: 10 })).rejects.toMatchObject({
      reason: 'queue_full',
    });
    const live = track(bulkhead.acquire({ partition: 'live', timeout: Number.POSITIVE_INFINITY }));
    await flush();
    expect(queued.status).toBe('pending');
    expect(live.status).toBe('pending');
    expect(bulkhead.waitingCount).toBe(2);
  });

  it('never admits above a shrunk limit and recomputes the guarantees', async () => {
    const bulkhead = liveAndBatch(10);
    const live = take(bulkhead, 'live', 10);
    bulkhead.resize(4);
    expect(bulkhead.getState().partitions.live!.guaranteed).toBe(3);
    const batch = track(bulkhead.acquire({ partition: 'batch', timeout: Number.POSITIVE_INFINITY }));
    for (const permit of live.slice(0, 6)) permit.release();
    await flush();
    expect(batch.status).toBe('pending');
    expect(bulkhead.activeCount).toBe(4);
    live[6]!.release();
    await flush();
    expect(batch.status).toBe('fulfilled');
    expect(bulkhead.activeCount).toBe(4);
    bulkhead.resize(10);
    expect(bulkhead.getState().availablePermits).toBe(6);
  });

  it('close() rejects every queued call with BulkheadClosedError, admits nothing, and waits for running work', async () => {
    const bulkhead = liveAndBatch(2);
    const permits = take(bulkhead, 'live', 2);
    const queued = [
      track(bulkhead.acquire({ partition: 'live', timeout: Number.POSITIVE_INFINITY })),
      track(bulkhead.acquire({ partition: 'batch', timeout: Number.POSITIVE_INFINITY })),
      track(bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY })),
    ];
    const closed = track(bulkhead.close());
    await flush();
    expect(queued.every((call) => BulkheadClosedError.isInstance(call.error))).toBe(true);
    permits[0]!.release();
    await flush();
    expect(bulkhead.activeCount).toBe(1);
    expect(closed.status).toBe('pending');
    await expect(bulkhead.acquire({ partition: 'live' })).rejects.toBeInstanceOf(BulkheadClosedError);
    expect(bulkhead.tryAcquire({ partition: 'live' })).toBeUndefined();
    permits[1]!.release();
    await flush();
    expect(closed.status).toBe('fulfilled');
  });

  it('reports rejections and admissions through the ledger events, with its type and partition', async () => {
    const bulkhead = liveAndBatch(2);
    const rejected: RejectedEvent[] = [];
    bulkhead.on('rejected', (event) => rejected.push(event));
    take(bulkhead, 'live', 2);
    await expect(bulkhead.acquire({ partition: 'batch' })).rejects.toBeInstanceOf(BulkheadFullError);
    await expect(bulkhead.acquire()).rejects.toBeInstanceOf(BulkheadFullError);
    expect(rejected).toEqual([
      {
        bulkheadName: 'api',
        bulkheadType: 'partitioned',
        reason: 'queue_full',
        waitTime: 0,
        activeCount: 2,
        waitingCount: 0,
        partition: 'batch',
      },
      // A call without a partition carries none.
      {
        bulkheadName: 'api',
        bulkheadType: 'partitioned',
        reason: 'queue_full',
        waitTime: 0,
        activeCount: 2,
        waitingCount: 0,
      },
    ]);
    expect(bulkhead.getState()).toMatchObject({ type: 'partitioned', totalCalls: 4, rejectedCount: 2 });
  });

  it('releases a permit exactly once however often release() is called', () => {
    const bulkhead = liveAndBatch(2);
    const permit = bulkhead.tryAcquire({ partition: 'live' })!;
    permit.release();
    permit.release();
    expect(bulkhead.activeCount).toBe(0);
    expect(permit.bulkheadName).toBe('api');
  });
});
