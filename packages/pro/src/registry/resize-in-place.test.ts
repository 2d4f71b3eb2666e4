import { type Bulkhead, SemaphoreBulkhead } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { resizeInPlace } from './resize-in-place.js';
import type { CompartmentSettings } from './settings.js';

const target = (overrides: Partial<CompartmentSettings> = {}): CompartmentSettings => ({
  type: 'semaphore',
  maxConcurrent: 5,
  maxQueue: Number.POSITIVE_INFINITY,
  ...overrides,
});

describe('resizeInPlace', () => {
  it('resizes a resizable compartment and reports the change', () => {
    const bulkhead = new SemaphoreBulkhead('a', { maxConcurrent: 2 });
    expect(resizeInPlace(bulkhead, target())).toEqual({
      resized: { name: 'a', from: 2, to: 5 },
      skipped: [],
    });
    expect(bulkhead.maxConcurrent).toBe(5);
  });

  it('does nothing when the size already matches', () => {
    expect(resizeInPlace(new SemaphoreBulkhead('a', { maxConcurrent: 5 }), target())).toEqual({
      skipped: [],
    });
  });

  it('skips a compartment without resize()', () => {
    const inner = new SemaphoreBulkhead('fixed', { maxConcurrent: 2 });
    const fixed: Bulkhead = {
      name: 'fixed',
      type: 'semaphore',
      acquire: (options) => inner.acquire(options),
      execute: (fn, options) => inner.execute(fn, options),
      wrap: (fn, options) => inner.wrap(fn, options),
      getState: () => inner.getState(),
      on: (event, listener) => inner.on(event, listener),
    };
    expect(resizeInPlace(fixed, target()).skipped).toEqual([
      { name: 'fixed', reason: 'a semaphore compartment cannot be resized at run time' },
    ]);
    expect(inner.maxConcurrent).toBe(2);
  });

  it('reports type and queue-bound changes as applying after a restart', () => {
    const bulkhead = new SemaphoreBulkhead('a', { maxConcurrent: 5, maxQueue: 3 });
    expect(resizeInPlace(bulkhead, target({ maxQueue: 4, maxConcurrent: 6 }))).toEqual({
      resized: { name: 'a', from: 5, to: 6 },
      skipped: [{ name: 'a', reason: 'maxQueue changes apply after a restart' }],
    });
    expect(
      resizeInPlace(bulkhead, target({ type: 'thread_pool', workerFilename: '/w.mjs' })).skipped,
    ).toEqual([{ name: 'a', reason: 'type change semaphore -> thread_pool applies after a restart' }]);
  });

  it('reports queueOrder and onQueueFull changes as applying after a restart', () => {
    const bulkhead = new SemaphoreBulkhead('a', { maxConcurrent: 5, queueOrder: 'lifo' });
    expect(resizeInPlace(bulkhead, target({ queueOrder: 'lifo' }))).toEqual({ skipped: [] });
    expect(resizeInPlace(bulkhead, target({ onQueueFull: 'drop-oldest' })).skipped).toEqual([
      { name: 'a', reason: 'queueOrder changes apply after a restart' },
      { name: 'a', reason: 'onQueueFull changes apply after a restart' },
    ]);
  });
});
