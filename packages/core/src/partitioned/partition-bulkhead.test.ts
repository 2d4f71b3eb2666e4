import { describe, expect, it } from 'vitest';
import { BulkheadFullError } from '../errors.js';
import { isBulkhead } from '../is-bulkhead.js';
import { flush } from '../test-support/async-helpers.js';
import { PartitionedBulkhead } from './partitioned-bulkhead.js';

function liveAndBatch(): PartitionedBulkhead<'live' | 'batch'> {
  return new PartitionedBulkhead('api', {
    maxConcurrent: 4,
    partitions: { live: { share: 0.75 }, batch: { share: 0.25 } },
  });
}

describe('PartitionedBulkhead.partition()', () => {
  it('is a Bulkhead whose calls belong to the partition', async () => {
    const api = liveAndBatch();
    const batch = api.partition('batch');
    expect(isBulkhead(batch)).toBe(true);
    expect(batch.name).toBe('api/batch');
    const held = await Promise.all([batch.acquire(), batch.acquire(), batch.acquire(), batch.acquire()]);
    expect(api.getState().partitions.batch).toMatchObject({ active: 4, borrowed: 3 });
    // A live call waits; the next release hands the borrowed permit back to live, not to batch's waiter.
    const queuedBatch = batch.execute(() => 'batch', { timeout: 1_000 });
    const queuedLive = api.partition('live').execute(() => 'live', { timeout: 1_000 });
    held[0]!.release();
    await expect(queuedLive).resolves.toBe('live');
    held[1]!.release();
    await expect(queuedBatch).resolves.toBe('batch');
    for (const permit of held.slice(2)) permit.release();
    expect(batch.getState()).toMatchObject({
      name: 'api/batch',
      type: 'partitioned',
      maxConcurrent: 4,
      activeCount: 0,
      waitingCount: 0,
      totalCalls: 5,
      successfulCalls: 5,
      failedCalls: 0,
    });
  });

  it('counts its own rejections and sends only its own events', async () => {
    const api = liveAndBatch();
    const live = api.partition('live');
    const batch = api.partition('batch');
    const liveTrace: string[] = [];
    live.on('rejected', (event) => liveTrace.push(`${event.partition} ${event.reason}`));
    live.on('finished', (event) => liveTrace.push(`${event.partition} ${event.outcome}`));
    const held = await Promise.all([1, 2, 3, 4].map(() => batch.acquire()));
    await expect(batch.execute(() => 'no room')).rejects.toBeInstanceOf(BulkheadFullError);
    await expect(live.execute(() => 'no room')).rejects.toBeInstanceOf(BulkheadFullError);
    for (const permit of held) permit.release();
    await live.execute(() => 'ran');
    await flush();
    expect(liveTrace).toEqual(['live queue_full', 'live success']);
    expect(live.getState()).toMatchObject({ rejectedCount: 1, successfulCalls: 1, totalCalls: 2 });
    expect(batch.getState()).toMatchObject({ rejectedCount: 1, successfulCalls: 4, totalCalls: 5 });
  });

  it('is one object per partition, so a registry can hold it and find it again', () => {
    const api = liveAndBatch();
    expect(api.partition('live')).toBe(api.partition('live'));
    expect(api.partition('live')).not.toBe(api.partition('batch'));
  });

  it('rejects an unknown partition name, naming the valid ones', () => {
    const api = liveAndBatch();
    expect(() => api.partition('bulk' as 'live')).toThrow(/live, batch/);
  });
});
