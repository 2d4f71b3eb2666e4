import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { asyncLocalStoragePropagator } from './async-local-storage-propagator.js';
import { SharedBulkhead } from './shared-bulkhead.js';
import { ThreadPoolBulkhead } from './thread-pool-bulkhead.js';
import { traceContextPropagator } from './trace-context-propagator.js';

const filename = new URL('../test/fixtures/tasks.mjs', import.meta.url);
const pool = new ThreadPoolBulkhead('unknown-options', { filename, maxWorkers: 1, minWorkers: 0 });
const shared = new SharedBulkhead('unknown-options');

afterAll(() => pool.close());

/** The key with its last letter dropped: the typo every option must catch (`maxWorkers` → `maxWorker`). */
function misspelt(key: string): string {
  return key.slice(0, -1);
}

function message(parameter: string, key: string): string {
  return `${parameter}.${misspelt(key)} is not a known option; did you mean ${key}?`;
}

const POOL_OPTIONS = [
  'filename',
  'maxWorkers',
  'minWorkers',
  'idleTimeout',
  'maxQueue',
  'runTimeout',
  'resourceLimits',
  'contextPropagators',
  'workerData',
  'sharedBulkheads',
  'captureStackTrace',
];

describe('Unknown option keys are rejected, naming the key and the closest valid name', () => {
  it('new ThreadPoolBulkhead(name, { maxWorker: 2 }) throws naming maxWorkers', () => {
    expect(() => new ThreadPoolBulkhead('typo', { filename, maxWorker: 2 } as never)).toThrow(
      new TypeError('options.maxWorker is not a known option; did you mean maxWorkers?'),
    );
  });

  it.each(POOL_OPTIONS)('ThreadPoolBulkhead options: a misspelt %s', (key) => {
    const options = { filename, [misspelt(key)]: 1 } as never;
    expect(() => new ThreadPoolBulkhead('typo', options)).toThrow(new TypeError(message('options', key)));
  });

  it.each(['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'])(
    'ThreadPoolBulkhead options.resourceLimits: a misspelt %s',
    (key) => {
      const options = { filename, resourceLimits: { [misspelt(key)]: 4 } } as never;
      expect(() => new ThreadPoolBulkhead('typo', options)).toThrow(
        new TypeError(message('options.resourceLimits', key)),
      );
    },
  );

  it.each(['name', 'timeout', 'runTimeout', 'signal', 'transferList'])(
    'ThreadPoolBulkhead execute(task) options: a misspelt %s',
    async (key) => {
      await expect(pool.execute(1, { [misspelt(key)]: 1 } as never)).rejects.toThrow(
        new TypeError(message('options', key)),
      );
    },
  );

  it.each(['timeout', 'runTimeout', 'signal'])(
    'ThreadPoolBulkhead execute(fn) options: a misspelt %s',
    async (key) => {
      await expect(pool.execute(() => 1, { [misspelt(key)]: 1 } as never)).rejects.toThrow(
        new TypeError(message('options', key)),
      );
    },
  );

  it.each(['timeout', 'signal'])('ThreadPoolBulkhead acquire() options: a misspelt %s', async (key) => {
    await expect(pool.acquire({ [misspelt(key)]: 1 } as never)).rejects.toThrow(
      new TypeError(message('options', key)),
    );
  });

  it('the names of 0.1 are refused: queueSize (now maxQueue) and the bulkhead timeout (now runTimeout)', () => {
    expect(() => new ThreadPoolBulkhead('old', { filename, queueSize: 3 } as never)).toThrow(
      /options\.queueSize is not a known option/,
    );
    expect(() => new ThreadPoolBulkhead('old', { filename, timeout: 3 } as never)).toThrow(
      /options\.timeout is not a known option/,
    );
  });

  it('ThreadPoolBulkhead close() options: a misspelt timeout (the bulkhead stays open)', async () => {
    await expect(pool.close({ timeou: 1 } as never)).rejects.toThrow(
      new TypeError(message('options', 'timeout')),
    );
    expect(pool.closed).toBe(false);
  });

  it.each(['maxConcurrent', 'maxThreads', 'maxQueue', 'captureStackTrace'])(
    'SharedBulkhead options: a misspelt %s',
    (key) => {
      expect(() => new SharedBulkhead('typo', { [misspelt(key)]: 1 } as never)).toThrow(
        new TypeError(message('options', key)),
      );
    },
  );

  it.each(['maxQueue', 'captureStackTrace'])('SharedBulkhead.from() options: a misspelt %s', (key) => {
    expect(() => SharedBulkhead.from(shared.toHandle(), { [misspelt(key)]: 1 } as never)).toThrow(
      new TypeError(message('options', key)),
    );
  });

  it('SharedBulkhead.from() refuses the options only the creating thread may set', () => {
    expect(() => SharedBulkhead.from(shared.toHandle(), { maxConcurrent: 3 } as never)).toThrow(
      /options\.maxConcurrent is not a known option/,
    );
  });

  it.each(['timeout', 'signal'])('SharedBulkhead acquire() options: a misspelt %s', async (key) => {
    await expect(shared.acquire({ [misspelt(key)]: 1 } as never)).rejects.toThrow(
      new TypeError(message('options', key)),
    );
  });

  it('SharedBulkhead acquireSync() options: a misspelt timeout', () => {
    // Options are checked first, so the typo is reported even on the main thread.
    expect(() => shared.acquireSync({ timeou: 1 } as never)).toThrow(
      new TypeError(message('options', 'timeout')),
    );
  });

  it.each(['name', 'storage', 'serialize', 'deserialize'])(
    'asyncLocalStoragePropagator options: a misspelt %s',
    (key) => {
      const options = { name: 'request', storage: new AsyncLocalStorage(), [misspelt(key)]: 1 } as never;
      expect(() => asyncLocalStoragePropagator(options)).toThrow(new TypeError(message('options', key)));
    },
  );

  it.each(['name', 'mode'])('traceContextPropagator options: a misspelt %s', (key) => {
    expect(() => traceContextPropagator({ [misspelt(key)]: 'x' } as never)).toThrow(
      new TypeError(message('options', key)),
    );
  });
});
