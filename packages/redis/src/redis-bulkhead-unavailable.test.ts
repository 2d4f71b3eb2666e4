import { BulkheadFullError } from '@x/bulkhead-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulkheadLeaseLostError, BulkheadUnavailableError } from './errors.js';
import { RedisBulkhead } from './redis-bulkhead.js';
import type { RedisBulkheadOptions } from './redis-bulkhead-options.js';
import { RedisServerProcess } from './test-support/redis-server-process.js';
import { connectClient } from './test-support/redis-test-client.js';

type Client = Awaited<ReturnType<typeof connectClient>>;

describe('RedisBulkhead when Redis stops, restarts or pauses', { timeout: 30_000 }, () => {
  let server: RedisServerProcess;
  let client: Client;
  let bulkhead: RedisBulkhead | undefined;

  const create = (options: Partial<RedisBulkheadOptions> = {}): RedisBulkhead => {
    bulkhead = new RedisBulkhead('payments', {
      client,
      maxConcurrent: 2,
      leaseTtl: 600,
      commandTimeout: 100,
      ...options,
    });
    return bulkhead;
  };

  beforeEach(async () => {
    server = await RedisServerProcess.start();
    client = await connectClient(server.url);
  });

  afterEach(async () => {
    await bulkhead?.close();
    bulkhead = undefined;
    await client.close().catch(() => {});
    await server.stop();
  });

  it("onUnavailable 'reject': rejects with BulkheadUnavailableError, loses held leases, settles waiters, recovers", async () => {
    const compartment = create({ maxConcurrent: 1 });
    const holder = await compartment.acquire();
    const waiter = compartment
      .acquire({ timeout: Number.POSITIVE_INFINITY })
      .catch((error: unknown) => error);
    await expect.poll(async () => (await compartment.refreshState()).waitingCount).toBe(1);
    await server.stop();

    const rejection = await compartment.acquire().catch((error: unknown) => error);
    expect(BulkheadUnavailableError.isInstance(rejection)).toBe(true);
    expect(rejection).toMatchObject({ code: 'BULKHEAD_UNAVAILABLE', reason: 'unavailable' });
    const leaseLost = await new Promise((resolve) =>
      holder.signal.addEventListener('abort', resolve, { once: true }),
    );
    expect(leaseLost).toBeDefined();
    expect(BulkheadLeaseLostError.isInstance(holder.signal.reason)).toBe(true);
    expect(BulkheadUnavailableError.isInstance(await waiter)).toBe(true);
    holder.release();
    expect(compartment.getState()).toMatchObject({
      mode: 'unavailable',
      unavailableSwitches: 1,
      leaseLostCount: 1,
    });

    await server.restart();
    await expect.poll(() => compartment.getState().mode, { timeout: 10_000 }).toBe('cluster');
    const permit = await compartment.acquire();
    expect(permit.admission).toBe('cluster');
    permit.release();
    expect(compartment.getState()).toMatchObject({
      recoveries: 1,
      local: { activeCount: 0, waitingCount: 0 },
    });
  });

  it("onUnavailable 'local': admits through the local fallback limit while Redis is down, then goes back", async () => {
    const compartment = create({ onUnavailable: 'local', localFallback: { maxConcurrent: 1 } });
    (await compartment.acquire()).release();
    await server.stop();

    const local = await compartment.acquire();
    expect(local).toMatchObject({ admission: 'local', fencingToken: undefined });
    const overLocal = await compartment.acquire().catch((error: unknown) => error);
    expect(BulkheadFullError.isInstance(overLocal) && overLocal.reason).toBe('queue_full');
    local.release();
    expect(compartment.getState()).toMatchObject({ mode: 'unavailable', unavailableSwitches: 1 });

    await server.restart();
    await expect.poll(() => compartment.getState().mode, { timeout: 10_000 }).toBe('cluster');
    const cluster = await compartment.acquire();
    expect(cluster.admission).toBe('cluster');
    cluster.release();
    // Each call counted once: 1 before the outage, 2 during it (one admitted locally, one rejected), 1 after.
    expect(compartment.getState()).toMatchObject({ totalCalls: 4, successfulCalls: 3, rejectedCount: 1 });
    expect(await compartment.refreshState()).toMatchObject({ activeCount: 0 });
  });

  it("onUnavailable 'allow': lets calls through while Redis is down, then goes back", async () => {
    const compartment = create({ maxConcurrent: 1, onUnavailable: 'allow' });
    await server.stop();
    const permits = await Promise.all([compartment.acquire(), compartment.acquire(), compartment.acquire()]);
    expect(permits.map((permit) => permit.admission)).toEqual(['allowed', 'allowed', 'allowed']);
    for (const permit of permits) permit.release();

    await server.restart();
    await expect.poll(() => compartment.getState().mode, { timeout: 10_000 }).toBe('cluster');
    const permit = await compartment.acquire();
    expect(permit.admission).toBe('cluster');
    permit.release();
    expect(compartment.getState()).toMatchObject({ totalCalls: 4, successfulCalls: 4, recoveries: 1 });
  });

  it('scripts flushed from Redis (NOSCRIPT) are sent again with EVAL and the call is admitted', async () => {
    const compartment = create();
    (await compartment.acquire()).release();
    await client.sendCommand(['SCRIPT', 'FLUSH']);
    const permit = await compartment.acquire();
    expect(permit.admission).toBe('cluster');
    permit.release();
    expect(compartment.getState()).toMatchObject({
      mode: 'cluster',
      unavailableSwitches: 0,
      successfulCalls: 2,
    });
  });

  it('a paused Redis (CLIENT PAUSE): calls fail within commandTimeout and never hang', async () => {
    const compartment = create({ commandTimeout: 250 });
    // On a busy machine one round trip can exceed the command timeout: prime until one gets through.
    await expect
      .poll(async () => {
        const permit = await compartment.acquire().catch(() => undefined);
        permit?.release();
        return permit !== undefined;
      })
      .toBe(true);
    const admin = await connectClient(server.url);
    // Far longer than the command timeout, so "failed before the pause ended" holds on a loaded machine too;
    // the test then waits for the pause to end (UNPAUSE itself waits for it under PAUSE ALL).
    const pauseMs = 5_000;
    await admin.sendCommand(['CLIENT', 'PAUSE', String(pauseMs), 'ALL']);
    let pauseOver = false;
    const pauseTimer = setTimeout(() => {
      pauseOver = true;
    }, pauseMs);
    const rejection = await compartment.acquire({ timeout: 10_000 }).catch((error: unknown) => error);
    expect(BulkheadUnavailableError.isInstance(rejection)).toBe(true);
    expect(pauseOver).toBe(false);
    clearTimeout(pauseTimer);
    await admin.sendCommand(['CLIENT', 'UNPAUSE']);
    await admin.close();
    await expect.poll(() => compartment.getState().mode, { timeout: 10_000 }).toBe('cluster');
    // The acquire that ran once the pause ended was withdrawn on recovery: nothing is left behind.
    await expect
      .poll(async () => (await compartment.refreshState()).waitingCount + compartment.activeCount)
      .toBe(0);
  });
});
