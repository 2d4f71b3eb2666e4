import { getBulkheadRegistry, isBulkhead } from '@x/bulkhead-core';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisBulkhead } from './index.js';
import { connectClient, deleteKeys, REDIS_URL, uniquePrefix } from './test-support/redis-test-client.js';

// Each test mirrors a README example; `./index.js` is `@x/bulkhead-redis`. Keys get a prefix of their own.
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connected() {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  const keyPrefix = uniquePrefix();
  cleanups.push(async () => {
    const admin = await connectClient();
    await deleteKeys(admin, keyPrefix);
    await admin.close();
    if (client.isOpen) await client.close();
  });
  return { client, keyPrefix };
}

const charges: Array<{ amount: number; fencingToken: number | undefined }> = [];
async function charge(request: { amount: number; fencingToken: number | undefined; signal: AbortSignal }) {
  charges.push({ amount: request.amount, fencingToken: request.fencingToken });
  return { paid: request.amount };
}

describe('README examples', () => {
  it('Usage: execute with a fencing token, then close', async () => {
    const { client, keyPrefix } = await connected();
    const payments = new RedisBulkhead('payments', { client, maxConcurrent: 20, keyPrefix });
    const receipt = await payments.execute(
      async ({ signal, fencingToken }) => charge({ amount: 42, fencingToken, signal }),
      { timeout: 2000 },
    );
    expect(receipt).toEqual({ paid: 42 });
    expect(charges.at(-1)?.fencingToken).toBeGreaterThan(0);
    expect(isBulkhead(payments)).toBe(true);
    getBulkheadRegistry().register(payments);
    getBulkheadRegistry().unregister('payments');
    await payments.close();
    await client.close();
  });

  it('acquire and release in finally; resize for everyone', async () => {
    const { client, keyPrefix } = await connected();
    const payments = new RedisBulkhead('payments', { client, maxConcurrent: 20, keyPrefix });
    cleanups.push(() => payments.close());
    const permit = await payments.acquire({ timeout: 500 });
    try {
      await charge({ amount: 42, fencingToken: permit.fencingToken, signal: permit.signal });
    } finally {
      permit.release();
    }
    expect(permit.released).toBe(true);
    await payments.resize(30);
    expect((await payments.refreshState()).maxConcurrent).toBe(30);
  });

  it('onUnavailable local with a local fallback', async () => {
    const { client, keyPrefix } = await connected();
    const search = new RedisBulkhead('search', {
      client,
      maxConcurrent: 40,
      onUnavailable: 'local',
      localFallback: { maxConcurrent: 5 },
      keyPrefix,
    });
    cleanups.push(() => search.close());
    expect(await search.execute(() => 'hits')).toBe('hits');
    expect(search.getState()).toMatchObject({ mode: 'cluster', maxConcurrent: 40 });
  });

  it('State: refreshState', async () => {
    const { client, keyPrefix } = await connected();
    const payments = new RedisBulkhead('payments', { client, maxConcurrent: 20, keyPrefix });
    cleanups.push(() => payments.close());
    await payments.execute(() => undefined);
    const state = await payments.refreshState();
    expect(state.activeCount).toBe(0);
    expect(state.cluster.readAt).toBeTypeOf('number');
    expect(state.totalCalls).toBe(1);
  });
});
