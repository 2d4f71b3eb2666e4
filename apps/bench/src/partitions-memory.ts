import { KeyedBulkhead } from '@x/bulkhead-core';
import { collectGarbage, heapUsedBytes, settleTurn } from './measure.js';

async function work(): Promise<number> {
  return 1;
}

/** Heap retained per idle key: `count` distinct keys used once and left idle (not yet evicted). */
export async function retainedBytesPerIdleKey(count: number): Promise<number> {
  const keys = Array.from({ length: count }, (_, index) => `key-${index}`);
  const bulkhead = new KeyedBulkhead('bench-idle-keys', {
    perKey: { maxConcurrent: 10 },
    maxKeys: count + 1,
  });
  await bulkhead.execute('warm-up', work);
  await settleTurn();
  collectGarbage();
  const before = heapUsedBytes();
  for (const key of keys) await bulkhead.execute(key, work);
  await settleTurn();
  collectGarbage();
  const after = heapUsedBytes();
  if (bulkhead.keyCount !== count + 1)
    throw new RangeError(`expected ${count + 1} live keys, got ${bulkhead.keyCount}`);
  await bulkhead.close();
  return (after - before) / count;
}

/** Heap after `total` distinct keys went through a bulkhead bounded to `maxKeys` (least recently used evicted). */
export interface ChurnFigures {
  readonly afterWarmUp: number;
  readonly afterAll: number;
  readonly evictedKeys: number;
}

/** Runs `total` distinct keys through a `KeyedBulkhead` with `maxKeys`, measuring the heap after a warm-up tenth. */
export async function keyChurn(total: number, maxKeys: number): Promise<ChurnFigures> {
  const bulkhead = new KeyedBulkhead('bench-churn', { perKey: { maxConcurrent: 10 }, maxKeys });
  const warmUp = Math.floor(total / 10);
  let afterWarmUp = 0;
  for (let index = 0; index < total; index++) {
    await bulkhead.execute(`churn-${index}`, work);
    if (index + 1 === warmUp) {
      await settleTurn();
      collectGarbage();
      afterWarmUp = heapUsedBytes();
    }
  }
  await settleTurn();
  collectGarbage();
  const afterAll = heapUsedBytes();
  const evictedKeys = bulkhead.getState().evictedKeys;
  await bulkhead.close();
  return { afterWarmUp, afterAll, evictedKeys };
}
