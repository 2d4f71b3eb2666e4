import { describe, expect, it } from 'vitest';
import { PartitionedBulkhead } from './partitioned-bulkhead.js';

describe('PartitionedBulkhead options', () => {
  const valid = { maxConcurrent: 10, partitions: { live: { share: 0.9 }, batch: { share: 0.1 } } };

  it('names the option that is wrong', () => {
    expect(() => new PartitionedBulkhead('api', { ...valid, maxConcurent: 3 } as never)).toThrow(
      new TypeError('options.maxConcurent is not a known option; did you mean maxConcurrent?'),
    );
    expect(() => new PartitionedBulkhead('api', { partitions: { live: { share: 1.2 } } })).toThrow(
      new RangeError('options.partitions.live.share must be within 0-1, got 1.2'),
    );
    expect(() => new PartitionedBulkhead('api', { partitions: { live: { shares: 1 } as never } })).toThrow(
      new TypeError('options.partitions.live.shares is not a known option; did you mean share?'),
    );
    expect(
      () => new PartitionedBulkhead('api', { partitions: { live: { share: 0.6 }, batch: { share: 0.6 } } }),
    ).toThrow(new RangeError('options.partitions shares must sum to at most 1, got 1.2'));
    expect(() => new PartitionedBulkhead('api', { partitions: {} })).toThrow(RangeError);
    expect(() => new PartitionedBulkhead('api', undefined as never)).toThrow(TypeError);
    expect(() => new PartitionedBulkhead('api', { ...valid, maxConcurrent: 0 })).toThrow(
      new RangeError('options.maxConcurrent must be >= 1, got 0'),
    );
    expect(
      () => new PartitionedBulkhead('api', { partitions: { live: { share: 0.5, maxQueue: -1 } } }),
    ).toThrow(new RangeError('options.partitions.live.maxQueue must be >= 0, got -1'));
  });

  it('accepts shares summing to 1 in floating point, and a zero share', () => {
    const bulkhead = new PartitionedBulkhead('api', {
      maxConcurrent: 10,
      partitions: { a: { share: 0.7 }, b: { share: 0.2 }, c: { share: 0.1 }, d: { share: 0 } },
    });
    const { partitions } = bulkhead.getState();
    expect(Object.values(partitions).map((partition) => partition.guaranteed)).toEqual([7, 2, 1, 0]);
  });

  it('rejects a resize below the number of partitions with a share', () => {
    const bulkhead = new PartitionedBulkhead('api', valid);
    expect(() => bulkhead.resize(1)).toThrow(RangeError);
    expect(bulkhead.maxConcurrent).toBe(10);
  });
});

describe('PartitionedBulkhead call options', () => {
  it('rejects a misspelled call option instead of running the call without a partition', async () => {
    const bulkhead = new PartitionedBulkhead('api', { partitions: { live: { share: 1 } } });
    await expect(bulkhead.execute(() => 1, { partiton: 'live' } as never)).rejects.toThrow(
      new TypeError('options.partiton is not a known option; did you mean partition?'),
    );
    expect(() => bulkhead.tryAcquire({ partiton: 'live' } as never)).toThrow(TypeError);
    expect(bulkhead.getState()).toMatchObject({ totalCalls: 0, activeCount: 0 });
  });
});
