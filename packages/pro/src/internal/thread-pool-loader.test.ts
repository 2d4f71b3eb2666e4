import { BulkheadError } from '@x/bulkhead-core';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:module', () => ({
  createRequire: () => (id: string) => {
    const error = new Error(`Cannot find module '${id}'`) as Error & { code: string };
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  },
}));

describe('loadThreadPoolBulkhead', () => {
  it('explains how to install the optional peer when @x/bulkhead-threads is missing', async () => {
    const { loadThreadPoolBulkhead } = await import('./thread-pool-loader.js');
    let caught: unknown;
    try {
      loadThreadPoolBulkhead();
    } catch (error) {
      caught = error;
    }
    expect(BulkheadError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toMatch(
      /need the optional peer dependency @x\/bulkhead-threads; install it/,
    );
    expect((caught as Error).cause).toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });

  it('surfaces the same error from the registry for a thread_pool built-in', async () => {
    const { ProBulkheadRegistry } = await import('../registry/pro-registry.js');
    const { ConfigEventBus } = await import('../registry/config-events.js');
    expect(
      () =>
        new ProBulkheadRegistry({
          env: {},
          configEvents: new ConfigEventBus(),
          settings: { database: { type: 'thread_pool', workerFilename: '/tmp/worker.mjs' } },
        }),
    ).toThrow(/@x\/bulkhead-threads/);
  });
});
