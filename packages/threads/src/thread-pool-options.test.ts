import { describe, expect, it } from 'vitest';
import { resolveThreadPoolOptions, type ThreadPoolBulkheadOptions } from './thread-pool-options.js';

const filename = new URL('../test/fixtures/tasks.mjs', import.meta.url);

function resolve(options: Partial<ThreadPoolBulkheadOptions>) {
  return resolveThreadPoolOptions({ filename, ...options } as ThreadPoolBulkheadOptions);
}

describe('ThreadPoolBulkhead options', () => {
  it('applies the defaults', () => {
    expect(resolve({ maxWorkers: 3 })).toMatchObject({
      moduleUrl: filename.href,
      maxWorkers: 3,
      minWorkers: 3,
      idleTimeout: 30_000,
      maxQueue: 100,
      runTimeout: undefined,
      contextPropagators: [],
      sharedBulkheads: [],
      captureStackTrace: false,
    });
  });

  it('requires an options object', () => {
    expect(() => resolveThreadPoolOptions(undefined as never)).toThrow(
      'options must be an object with a filename, got undefined',
    );
  });

  it('validates options.filename', () => {
    expect(() => resolve({ filename: 42 as never })).toThrow(
      'options.filename must be an absolute path or a file: URL, got number 42',
    );
    expect(() => resolve({ filename: 'relative/tasks.mjs' })).toThrow(RangeError);
    expect(() => resolve({ filename: new URL('https://example.com/tasks.mjs') })).toThrow(
      'options.filename must be a file: URL, got https: URL',
    );
    expect(resolve({ filename: '/abs/tasks.mjs' }).moduleUrl).toBe('file:///abs/tasks.mjs');
    expect(resolve({ filename: 'file:///abs/tasks.mjs' }).moduleUrl).toBe('file:///abs/tasks.mjs');
  });

  it('validates options.maxWorkers', () => {
    expect(() => resolve({ maxWorkers: 0 })).toThrow('options.maxWorkers must be >= 1, got 0');
    expect(() => resolve({ maxWorkers: '2' as never })).toThrow(TypeError);
  });

  it('validates options.minWorkers', () => {
    expect(() => resolve({ maxWorkers: 2, minWorkers: 3 })).toThrow(
      'options.minWorkers must be <= options.maxWorkers (2), got 3',
    );
    expect(() => resolve({ minWorkers: -1 })).toThrow('options.minWorkers must be >= 0, got -1');
  });

  it('validates options.idleTimeout', () => {
    expect(() => resolve({ idleTimeout: -5 })).toThrow('options.idleTimeout must be >= 0, got -5');
  });

  it('validates options.maxQueue', () => {
    expect(() => resolve({ maxQueue: 1.5 })).toThrow('options.maxQueue must be an integer, got 1.5');
    expect(resolve({ maxQueue: Number.POSITIVE_INFINITY }).maxQueue).toBe(Number.POSITIVE_INFINITY);
  });

  it('validates options.runTimeout (a run budget: > 0 or Infinity)', () => {
    expect(() => resolve({ runTimeout: Number.NaN })).toThrow(
      'options.runTimeout must be a number of milliseconds',
    );
    expect(() => resolve({ runTimeout: 0 })).toThrow('options.runTimeout must be > 0 (a run budget), got 0');
    expect(resolve({ runTimeout: Number.POSITIVE_INFINITY }).runTimeout).toBe(Number.POSITIVE_INFINITY);
  });

  it('validates options.resourceLimits', () => {
    expect(() => resolve({ resourceLimits: 5 as never })).toThrow('options.resourceLimits must be an object');
    expect(() => resolve({ resourceLimits: { heapMb: 4 } as never })).toThrow(
      'options.resourceLimits.heapMb is not a known option',
    );
    expect(() => resolve({ resourceLimits: { maxOldGenerationSizeMb: 0 } })).toThrow(
      'options.resourceLimits.maxOldGenerationSizeMb must be a number > 0, got number 0',
    );
  });

  it('validates options.contextPropagators', () => {
    expect(() => resolve({ contextPropagators: {} as never })).toThrow(
      'options.contextPropagators must be an array',
    );
    expect(() => resolve({ contextPropagators: [{ name: 'x' }] as never })).toThrow(
      'options.contextPropagators[0] must have a non-empty name, capture() and restore()',
    );
    const propagator = {
      name: 'same',
      capture: () => undefined,
      restore: <R>(_: unknown, run: () => R) => run(),
    };
    expect(() => resolve({ contextPropagators: [propagator, propagator] })).toThrow(
      "options.contextPropagators has two propagators named 'same'",
    );
  });

  it('validates options.sharedBulkheads', () => {
    expect(() => resolve({ sharedBulkheads: [{}] as never })).toThrow(
      'options.sharedBulkheads[0] must be a SharedBulkhead',
    );
    expect(() => resolve({ sharedBulkheads: 'x' as never })).toThrow(
      'options.sharedBulkheads must be an array',
    );
  });

  it('validates options.captureStackTrace', () => {
    expect(() => resolve({ captureStackTrace: 1 as never })).toThrow(
      'options.captureStackTrace must be a boolean',
    );
  });
});
