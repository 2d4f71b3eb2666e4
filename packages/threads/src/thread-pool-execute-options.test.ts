import { afterAll, describe, expect, it } from 'vitest';
import { ThreadPoolBulkhead } from './thread-pool-bulkhead.js';

const bulkhead = new ThreadPoolBulkhead('execute-options', {
  filename: new URL('../test/fixtures/tasks.mjs', import.meta.url),
  maxWorkers: 1,
  minWorkers: 0,
});

afterAll(() => bulkhead.close());

describe('ThreadPoolBulkhead call options', () => {
  it('validates the bulkhead name', () => {
    expect(() => new ThreadPoolBulkhead('', { filename: '/x.mjs' })).toThrow('name must not be empty');
  });

  it('validates execute options.name', async () => {
    await expect(bulkhead.execute(1, { name: '' })).rejects.toThrow(
      'options.name must be a non-empty string',
    );
  });

  it('validates execute options.timeout', async () => {
    await expect(bulkhead.execute(1, { timeout: -1 })).rejects.toThrow(
      'options.timeout must be >= 0, got -1',
    );
  });

  it('validates execute options.signal', async () => {
    await expect(bulkhead.execute(1, { signal: {} as never })).rejects.toThrow(
      'options.signal must be an AbortSignal',
    );
  });

  it('validates execute options.transferList', async () => {
    await expect(bulkhead.execute(1, { transferList: 'x' as never })).rejects.toThrow(
      'options.transferList must be an array',
    );
  });

  it('validates acquire options and close options', async () => {
    await expect(bulkhead.acquire({ timeout: 'soon' as never })).rejects.toThrow(TypeError);
    await expect(bulkhead.close({ timeout: -1 })).rejects.toThrow('options.timeout must be >= 0, got -1');
    expect(bulkhead.closed).toBe(false);
  });

  it('spawns workers on demand when minWorkers is 0', async () => {
    expect(bulkhead.getState().poolSize).toBe(0);
    await expect(bulkhead.execute(2, { name: 'double' })).resolves.toBe(4);
    expect(bulkhead.getState().poolSize).toBe(1);
  });
});
