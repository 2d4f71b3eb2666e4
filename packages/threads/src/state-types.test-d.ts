import type { BulkheadState } from '@x/bulkhead-core';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  SharedBulkhead,
  SharedBulkheadState,
  ThreadPoolBulkhead,
  ThreadPoolBulkheadState,
} from './index.js';

declare const pool: ThreadPoolBulkhead;
declare const shared: SharedBulkhead;

describe('precise state types', () => {
  it('ThreadPoolBulkhead.getState() has numeric queueCapacity, poolSize, timedOutCount, orphanedCount', () => {
    const queueCapacity: number = pool.getState().queueCapacity;
    const poolSize: number = pool.getState().poolSize;
    const timedOutCount: number = pool.getState().timedOutCount;
    expectTypeOf(queueCapacity).toEqualTypeOf<number>();
    expectTypeOf(poolSize).toEqualTypeOf<number>();
    expectTypeOf(timedOutCount).toEqualTypeOf<number>();
    expectTypeOf(pool.getState()).toEqualTypeOf<ThreadPoolBulkheadState>();
    expectTypeOf(pool.getState().orphanedCount).toEqualTypeOf<number>();
    expectTypeOf(pool.getState().type).toEqualTypeOf<'thread_pool'>();
    expectTypeOf(pool.getState()).toExtend<BulkheadState>();
  });

  it('SharedBulkhead.getState() is typed as a shared state', () => {
    expectTypeOf(shared.getState()).toEqualTypeOf<SharedBulkheadState>();
    expectTypeOf(shared.getState().type).toEqualTypeOf<'shared'>();
    expectTypeOf(shared.getState()).toExtend<BulkheadState>();
  });
});
