import { BulkheadFullError, SemaphoreBulkhead } from '@x/bulkhead-core';
import { Agent, fetch, getGlobalDispatcher, Pool, request, setGlobalDispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bulkheadInterceptor } from './bulkhead-interceptor.js';
import { type StreamingOrigin, startStreamingOrigin } from './test-support/streaming-server.js';

// The README's "Outbound: undici and fetch" section, run against a loopback origin instead of payments.internal.
let server: StreamingOrigin;
beforeEach(async () => {
  server = await startStreamingOrigin();
});
afterEach(async () => {
  await server.close();
});

describe('README: outbound undici and fetch', () => {
  it('one compartment per origin, through every way of dispatching', async () => {
    const agent = new Agent();
    const dispatcher = agent.compose(
      bulkheadInterceptor({ perOrigin: { maxConcurrent: 10 }, timeout: 2000 }),
    );
    const url = `${server.origin}/ok`;
    expect(await (await fetch(url, { dispatcher })).text()).toBe('ok');
    expect(await (await globalThis.fetch(url, { dispatcher } as unknown as RequestInit)).text()).toBe('ok');
    expect(await (await request(url, { dispatcher })).body.text()).toBe('ok');
    const previous = getGlobalDispatcher();
    setGlobalDispatcher(dispatcher);
    try {
      expect(await (await fetch(url)).text()).toBe('ok');
    } finally {
      setGlobalDispatcher(previous);
    }
    await agent.close();
  });

  it('a Pool with a compartment of your own, and telling overload from a broken dependency', async () => {
    const payments = new SemaphoreBulkhead('payments', { maxConcurrent: 1 });
    const pool = new Pool(server.origin).compose(bulkheadInterceptor({ bulkheadFor: () => payments }));
    const held = await fetch(`${server.origin}/held/p`, { dispatcher: pool });
    let served = '';
    try {
      await fetch(`${server.origin}/ok`, { dispatcher: pool });
    } catch (error) {
      if (BulkheadFullError.isInstance((error as Error).cause)) served = 'from cache';
      else throw error;
    }
    expect(served).toBe('from cache');
    server.finish('p');
    await held.text();
    expect(payments.activeCount).toBe(0);
    await pool.close();
  });
});
