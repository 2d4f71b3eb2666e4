import { describe, expect, it } from 'vitest';
import { SemaphoreBulkhead } from './index.js';

// One test per validated option: the exact error class and a message naming the option.

function construct(name: unknown, options?: unknown): () => SemaphoreBulkhead {
  return () => new SemaphoreBulkhead(name as string, options as never);
}

describe('SemaphoreBulkhead options', () => {
  it('defaults: maxConcurrent 10, unbounded FIFO queue that rejects the newest, stackless rejections', () => {
    const bulkhead = new SemaphoreBulkhead('defaults');
    expect(bulkhead.maxConcurrent).toBe(10);
    expect(bulkhead.maxQueue).toBe(Number.POSITIVE_INFINITY);
    expect(bulkhead.queueOrder).toBe('fifo');
    expect(bulkhead.onQueueFull).toBe('reject-new');
    expect(new SemaphoreBulkhead('explicit-infinity', { maxQueue: Number.POSITIVE_INFINITY }).maxQueue).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('name must be a non-empty string', () => {
    expect(construct(42)).toThrow(new TypeError('name must be a string, got number 42'));
    expect(construct(undefined)).toThrow(new TypeError('name must be a string, got undefined'));
    expect(construct('')).toThrow(new RangeError('name must not be empty'));
  });

  it('options must be an object', () => {
    expect(construct('x', null)).toThrow(new TypeError('options must be an object, got null'));
    expect(construct('x', 5)).toThrow(new TypeError('options must be an object, got number 5'));
  });

  it('maxConcurrent must be an integer >= 1', () => {
    expect(construct('x', { maxConcurrent: '4' })).toThrow(
      new TypeError('options.maxConcurrent must be a number, got string "4"'),
    );
    expect(construct('x', { maxConcurrent: Number.NaN })).toThrow(
      new TypeError('options.maxConcurrent must be a number, got number NaN'),
    );
    expect(construct('x', { maxConcurrent: 2.5 })).toThrow(
      new RangeError('options.maxConcurrent must be an integer, got 2.5'),
    );
    expect(construct('x', { maxConcurrent: Number.POSITIVE_INFINITY })).toThrow(
      new RangeError('options.maxConcurrent must be an integer, got Infinity'),
    );
    expect(construct('x', { maxConcurrent: 0 })).toThrow(
      new RangeError('options.maxConcurrent must be >= 1, got 0'),
    );
  });

  it('maxQueue must be an integer >= 0 or Infinity', () => {
    expect(construct('x', { maxQueue: null })).toThrow(
      new TypeError('options.maxQueue must be a number, got null'),
    );
    expect(construct('x', { maxQueue: 1.5 })).toThrow(
      new RangeError('options.maxQueue must be an integer, got 1.5'),
    );
    expect(construct('x', { maxQueue: -1 })).toThrow(new RangeError('options.maxQueue must be >= 0, got -1'));
    expect(new SemaphoreBulkhead('zero-queue', { maxQueue: 0 }).maxQueue).toBe(0);
  });

  it('queueOrder must be fifo or lifo', () => {
    expect(construct('x', { queueOrder: 'random' })).toThrow(
      new TypeError('options.queueOrder must be one of fifo, lifo, got string "random"'),
    );
    expect(construct('x', { queueOrder: null })).toThrow(
      new TypeError('options.queueOrder must be one of fifo, lifo, got null'),
    );
    expect(new SemaphoreBulkhead('lifo', { queueOrder: 'lifo' }).queueOrder).toBe('lifo');
  });

  it('onQueueFull must be reject-new or drop-oldest', () => {
    expect(construct('x', { onQueueFull: 'drop-newest' })).toThrow(
      new TypeError('options.onQueueFull must be one of reject-new, drop-oldest, got string "drop-newest"'),
    );
    expect(new SemaphoreBulkhead('drop', { onQueueFull: 'drop-oldest' }).onQueueFull).toBe('drop-oldest');
  });

  it('captureStackTrace must be a boolean', () => {
    expect(construct('x', { captureStackTrace: 'yes' })).toThrow(
      new TypeError('options.captureStackTrace must be a boolean, got string "yes"'),
    );
  });
});

describe('acquire options', () => {
  const bulkhead = new SemaphoreBulkhead('acquire-options');

  it('options must be an object (rejection, not a throw)', async () => {
    const result = bulkhead.acquire(null as never);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toThrow(new TypeError('options must be an object, got null'));
  });

  it('timeout must be a number of milliseconds >= 0', async () => {
    await expect(bulkhead.acquire({ timeout: '100' as never })).rejects.toThrow(
      new TypeError('options.timeout must be a number of milliseconds, got string "100"'),
    );
    await expect(bulkhead.acquire({ timeout: Number.NaN })).rejects.toThrow(
      new TypeError('options.timeout must be a number of milliseconds, got number NaN'),
    );
    await expect(bulkhead.acquire({ timeout: -1 })).rejects.toThrow(
      new RangeError('options.timeout must be >= 0, got -1'),
    );
  });

  it('signal must be an AbortSignal', async () => {
    await expect(bulkhead.acquire({ signal: { aborted: false } as never })).rejects.toThrow(
      new TypeError('options.signal must be an AbortSignal, got object'),
    );
  });

  it('priority must be low, normal or high', async () => {
    await expect(bulkhead.acquire({ priority: 'urgent' as never })).rejects.toThrow(
      new TypeError('options.priority must be one of low, normal, high, got string "urgent"'),
    );
    await expect(bulkhead.execute(() => 1, { priority: 2 as never })).rejects.toThrow(
      new TypeError('options.priority must be one of low, normal, high, got number 2'),
    );
    const permit = await bulkhead.acquire({ priority: 'high' });
    permit.release();
  });

  it('unknown keys are rejected, naming the key', async () => {
    await expect(bulkhead.acquire({ priorty: 'high' } as never)).rejects.toThrow(TypeError);
    await expect(bulkhead.acquire({ priorty: 'high' } as never)).rejects.toThrow(/priorty/);
  });

  it('no permit is taken and nothing is counted for invalid options', () => {
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, rejectedCount: 0 });
  });
});
