import { describe, expect, it } from 'vitest';
import { BulkheadFullError } from '../errors.js';
import type { Permit } from '../permit.js';
import { flush, type Tracked, track } from '../test-support/async-helpers.js';
import { STARVATION_INTERVAL } from '../waiting/queue-policy.js';
import { PartitionedBulkhead } from './partitioned-bulkhead.js';
import type { PartitionedBulkheadOptions } from './partitioned-options.js';

type Priority = 'low' | 'normal' | 'high';

/** One permit, held; returns the bulkhead and a function that queues labelled calls and reports start order. */
function singlePermit(options: Partial<PartitionedBulkheadOptions<'live'>> = {}) {
  const bulkhead = new PartitionedBulkhead('ordered', {
    maxConcurrent: 1,
    partitions: { live: { share: 1 } },
    ...options,
  });
  const held = bulkhead.tryAcquire({ partition: 'live' })!;
  const started: string[] = [];
  const calls: Array<Tracked<unknown>> = [];
  const queue = (label: string, priority?: Priority): Tracked<unknown> => {
    const call = track(
      bulkhead.execute(
        () => {
          started.push(label);
        },
        {
          partition: 'live',
          timeout: Number.POSITIVE_INFINITY,
          ...(priority === undefined ? {} : { priority }),
        },
      ),
    );
    calls.push(call);
    return call;
  };
  return { bulkhead, held, started, queue, calls };
}

async function drain(held: Permit): Promise<void> {
  held.release();
  for (let round = 0; round < 20; round++) await flush();
}

describe('PartitionedBulkhead queue order, priorities and shedding', () => {
  it('serves higher priorities first and FIFO within a level', async () => {
    const { held, started, queue } = singlePermit();
    queue('low-1', 'low');
    queue('normal-1');
    queue('high-1', 'high');
    await drain(held);
    expect(started).toEqual(['high-1', 'normal-1', 'low-1']);
  });

  it(`gives every ${STARVATION_INTERVAL}th admission to the oldest waiter, so low priority never starves`, async () => {
    const { held, started, queue } = singlePermit();
    queue('low', 'low');
    for (let index = 1; index <= 6; index++) queue(`high-${index}`, 'high');
    await drain(held);
    expect(started).toEqual(['high-1', 'high-2', 'high-3', 'low', 'high-4', 'high-5', 'high-6']);
  });

  it('serves the newest first with queueOrder lifo (the anti-starvation rule still applies)', async () => {
    const { held, started, queue } = singlePermit({ queueOrder: 'lifo' });
    for (let index = 1; index <= 5; index++) queue(`call-${index}`);
    await drain(held);
    expect(started).toEqual(['call-5', 'call-4', 'call-3', 'call-1', 'call-2']);
  });

  it('drops the oldest waiter of the partition with reason dropped when the queue is full (drop-oldest)', async () => {
    const { held, started, queue, bulkhead } = singlePermit({
      onQueueFull: 'drop-oldest',
      partitions: { live: { share: 1, maxQueue: 2 } },
    });
    const first = queue('first');
    queue('second');
    queue('third');
    await flush();
    expect(first.status).toBe('rejected');
    expect(BulkheadFullError.isInstance(first.error)).toBe(true);
    expect((first.error as BulkheadFullError).reason).toBe('dropped');
    expect(bulkhead.getState().partitions.live).toMatchObject({ waiting: 2, rejected: 1 });
    await drain(held);
    expect(started).toEqual(['second', 'third']);
  });

  it('rejects the newest by default (reject-new) and names a bad choice', async () => {
    const { queue, bulkhead, held } = singlePermit({ partitions: { live: { share: 1, maxQueue: 1 } } });
    const first = queue('first');
    const second = queue('second');
    await flush();
    expect(first.status).toBe('pending');
    expect((second.error as BulkheadFullError).reason).toBe('queue_full');
    expect(
      () => new PartitionedBulkhead('x', { partitions: { a: { share: 1 } }, queueOrder: 'random' as never }),
    ).toThrow(new TypeError('options.queueOrder must be one of fifo, lifo, got string "random"'));
    await expect(
      bulkhead.execute(() => 1, { partition: 'live', timeout: 5, priority: 'urgent' as never }),
    ).rejects.toThrow(
      new TypeError('options.priority must be one of low, normal, high, got string "urgent"'),
    );
    await drain(held);
  });
});
