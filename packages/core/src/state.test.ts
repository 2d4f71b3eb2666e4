import { describe, expect, it } from 'vitest';
import { type BulkheadStateInput, createBulkheadState } from './index.js';

const base: BulkheadStateInput = {
  name: 'state',
  type: 'semaphore',
  maxConcurrent: 8,
  activeCount: 2,
  waitingCount: 1,
  maxQueue: 10,
  rejectedCount: 3,
  admittedCount: 7,
  successfulCalls: 4,
  failedCalls: 1,
  lastRejectionTime: 1_700_000_000_000,
  closed: false,
};

describe('createBulkheadState', () => {
  it('keeps the raw counters and derives availablePermits and utilizationPercent', () => {
    const state = createBulkheadState(base);
    const { admittedCount: _admitted, ...counters } = base;
    expect(state).toEqual({ ...counters, totalCalls: 10, availablePermits: 6, utilizationPercent: 25 });
    expect(Object.isFrozen(state)).toBe(true);
  });

  it('never reports negative permits or more than 100 percent (after a shrink)', () => {
    expect(createBulkheadState({ ...base, maxConcurrent: 2, activeCount: 5 })).toMatchObject({
      availablePermits: 0,
      utilizationPercent: 100,
    });
  });

  it('a zero limit counts as fully utilized', () => {
    expect(createBulkheadState({ ...base, maxConcurrent: 0, activeCount: 0 })).toMatchObject({
      availablePermits: 0,
      utilizationPercent: 100,
    });
  });

  it('keeps the optional thread-pool fields and is JSON-serialisable', () => {
    const state = createBulkheadState({
      ...base,
      type: 'thread_pool',
      queueCapacity: 4,
      poolSize: 2,
      timedOutCount: 1,
      orphanedCount: 0,
    });
    expect(state).toMatchObject({ queueCapacity: 4, poolSize: 2, timedOutCount: 1, orphanedCount: 0 });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});
