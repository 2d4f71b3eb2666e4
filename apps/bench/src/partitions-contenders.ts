import { KeyedBulkhead, PartitionedBulkhead, SemaphoreBulkhead } from '@x/bulkhead-core';

/** One way of running a call through a compartment of limit `limit`. */
export interface PartitionsContender {
  readonly name: string;
  /** True for a baseline row (the SemaphoreBulkhead shapes the others are compared with). */
  readonly baseline: boolean;
  /** The baseline row this one is held to (within 1.5×). */
  readonly comparedWith: string;
  create(limit: number): (fn: () => Promise<number>, options?: { timeout: number }) => Promise<number>;
}

const LIVE = { partition: 'live' } as const;
const KEYS = Array.from({ length: 1_000 }, (_, index) => `tenant-${index}`);

function partitioned(limit: number): PartitionedBulkhead<'live' | 'batch'> {
  return new PartitionedBulkhead('bench-partitioned', {
    maxConcurrent: limit,
    partitions: { live: { share: 0.9 }, batch: { share: 0.1 } },
  });
}

/** SemaphoreBulkhead, then the partitioned and keyed bulkheads in the shapes they are used in. */
export const partitionsContenders: readonly PartitionsContender[] = [
  {
    name: 'SemaphoreBulkhead',
    baseline: true,
    comparedWith: 'SemaphoreBulkhead',
    create(limit) {
      const bulkhead = new SemaphoreBulkhead('bench-semaphore', { maxConcurrent: limit });
      return (fn, options) => bulkhead.execute(fn, options);
    },
  },
  {
    name: 'SemaphoreBulkhead inside SemaphoreBulkhead',
    baseline: true,
    comparedWith: 'SemaphoreBulkhead inside SemaphoreBulkhead',
    create(limit) {
      const outer = new SemaphoreBulkhead('bench-outer', { maxConcurrent: limit });
      const inner = new SemaphoreBulkhead('bench-inner', { maxConcurrent: limit });
      return (fn, options) => outer.execute(() => inner.execute(fn, options), options);
    },
  },
  {
    name: 'SemaphoreBulkhead per key (1,000 in a Map, in turn)',
    baseline: true,
    comparedWith: 'SemaphoreBulkhead per key (1,000 in a Map, in turn)',
    create(limit) {
      // What per-key isolation costs by hand: a key lookup and a compartment per key, as KeyedBulkhead does.
      const byKey = new Map<string, SemaphoreBulkhead>();
      let next = 0;
      return (fn, options) => {
        const key = KEYS[next++ % KEYS.length]!;
        let bulkhead = byKey.get(key);
        if (bulkhead === undefined) {
          bulkhead = new SemaphoreBulkhead(`bench-semaphore-${key}`, { maxConcurrent: limit });
          byKey.set(key, bulkhead);
        }
        return bulkhead.execute(fn, options);
      };
    },
  },
  {
    name: 'PartitionedBulkhead (partition live)',
    baseline: false,
    comparedWith: 'SemaphoreBulkhead',
    create(limit) {
      const bulkhead = partitioned(limit);
      const timed = { partition: 'live' as const, timeout: Number.POSITIVE_INFINITY };
      return (fn, options) => bulkhead.execute(fn, options === undefined ? LIVE : timed);
    },
  },
  {
    name: 'PartitionedBulkhead (no partition)',
    baseline: false,
    comparedWith: 'SemaphoreBulkhead',
    create(limit) {
      const bulkhead = partitioned(limit);
      return (fn, options) => bulkhead.execute(fn, options);
    },
  },
  {
    name: 'KeyedBulkhead (one key)',
    baseline: false,
    comparedWith: 'SemaphoreBulkhead',
    create(limit) {
      const bulkhead = new KeyedBulkhead('bench-keyed', { perKey: { maxConcurrent: limit } });
      return (fn, options) => bulkhead.execute('tenant', fn, options);
    },
  },
  {
    name: 'KeyedBulkhead (1,000 keys in turn)',
    baseline: false,
    comparedWith: 'SemaphoreBulkhead per key (1,000 in a Map, in turn)',
    create(limit) {
      const bulkhead = new KeyedBulkhead('bench-keyed-many', { perKey: { maxConcurrent: limit } });
      let next = 0;
      return (fn, options) => bulkhead.execute(KEYS[next++ % KEYS.length]!, fn, options);
    },
  },
  {
    name: 'KeyedBulkhead (one key, global SemaphoreBulkhead)',
    baseline: false,
    comparedWith: 'SemaphoreBulkhead inside SemaphoreBulkhead',
    create(limit) {
      const global = new SemaphoreBulkhead('bench-global', { maxConcurrent: limit });
      const bulkhead = new KeyedBulkhead('bench-keyed-global', { perKey: { maxConcurrent: limit }, global });
      return (fn, options) => bulkhead.execute('tenant', fn, options);
    },
  },
];
