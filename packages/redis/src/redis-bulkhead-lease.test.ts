import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulkheadLeaseLostError } from './errors.js';
import { RedisBulkhead } from './redis-bulkhead.js';
import { startWorkers, type WorkerProcess } from './test-support/cluster-processes.js';
import { connectClient, deleteKeys, REDIS_URL, uniquePrefix } from './test-support/redis-test-client.js';

type Client = Awaited<ReturnType<typeof connectClient>>;

/** Blocks this thread (the event loop stalls: no timer, no renewal) for `milliseconds`. */
function stallEventLoop(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

describe('RedisBulkhead leases', { timeout: 30_000 }, () => {
  let client: Client;
  let keyPrefix: string;
  let workers: WorkerProcess[] = [];
  let bulkhead: RedisBulkhead | undefined;

  beforeEach(async () => {
    client = await connectClient();
    keyPrefix = uniquePrefix();
  });

  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await bulkhead?.close();
    await deleteKeys(client, keyPrefix);
    await client.close();
  });

  it('a holder whose event loop stalls past leaseTtl loses its lease (signal aborts with lease_lost); the next holder gets a larger fencing token', async () => {
    const leaseTtl = 300;
    workers = await startWorkers(1, { url: REDIS_URL, name: 'stall', keyPrefix, maxConcurrent: 1, leaseTtl });
    const [other] = workers as [WorkerProcess];
    bulkhead = new RedisBulkhead('stall', {
      client,
      maxConcurrent: 1,
      leaseTtl,
      keyPrefix,
      commandTimeout: leaseTtl - 100,
    });
    let token: number | undefined;
    let reason: unknown;
    const call = bulkhead.execute(async ({ signal, fencingToken }) => {
      token = fencingToken;
      other.send({ type: 'wait', label: 'next', timeout: 20_000 });
      await other.next('queued');
      stallEventLoop(leaseTtl * 3);
      reason = await new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason)));
    });
    await call;
    expect(BulkheadLeaseLostError.isInstance(reason)).toBe(true);
    expect(reason).toMatchObject({ code: 'BULKHEAD_LEASE_LOST', reason: 'lease_lost', fencingToken: token });
    const granted = await other.next('granted');
    expect(granted.token).toBeGreaterThan(token ?? Number.POSITIVE_INFINITY);
    expect(bulkhead.getState()).toMatchObject({ leaseLostCount: 1, local: { activeCount: 0 } });
    other.send({ type: 'release', label: 'next' });
  });

  it('renews a held lease in the background, so a call longer than leaseTtl keeps its permit', async () => {
    const leaseTtl = 600;
    bulkhead = new RedisBulkhead('renewed', {
      client,
      maxConcurrent: 1,
      leaseTtl,
      keyPrefix,
      commandTimeout: leaseTtl - 100,
    });
    const permit = await bulkhead.acquire();
    // Three lease lengths of an idle event loop: only renewals keep the lease.
    await new Promise((resolve) => setTimeout(resolve, leaseTtl * 3));
    expect(permit.signal.aborted).toBe(false);
    expect((await bulkhead.refreshState()).activeCount).toBe(1);
    permit.release();
    await expect.poll(async () => (await bulkhead!.refreshState()).activeCount).toBe(0);
  });
});
