import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisBulkhead } from './redis-bulkhead.js';
import { startWorkers, type WorkerProcess } from './test-support/cluster-processes.js';
import { connectClient, deleteKeys, REDIS_URL, uniquePrefix } from './test-support/redis-test-client.js';

type Client = Awaited<ReturnType<typeof connectClient>>;

describe('RedisBulkhead across processes', { timeout: 60_000 }, () => {
  let client: Client;
  let keyPrefix: string;
  let workers: WorkerProcess[] = [];
  let observer: RedisBulkhead | undefined;

  beforeEach(async () => {
    client = await connectClient();
    keyPrefix = uniquePrefix();
  });

  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await observer?.close();
    observer = undefined;
    await deleteKeys(client, keyPrefix);
    await client.close();
  });

  it('4 processes x 50 callers on a limit of 10: an observer in Redis never sees more than 10 inside', async () => {
    workers = await startWorkers(4, {
      url: REDIS_URL,
      name: 'payments',
      keyPrefix,
      maxConcurrent: 10,
      leaseTtl: 5000,
    });
    const observerKey = `${keyPrefix}observer`;
    for (const worker of workers) {
      worker.send({ type: 'load', callers: 50, workMs: 5, observerKey, timeout: 60_000 });
    }
    const results = await Promise.all(workers.map((worker) => worker.next('loaded')));
    for (const result of results) {
      expect(result).toMatchObject({ settled: 50, admitted: 50, errors: [] });
      expect(result.maxObserved).toBeLessThanOrEqual(10);
    }
    expect(Math.max(...results.map((result) => result.maxObserved))).toBeGreaterThan(1);
    expect(await client.get(observerKey)).toBe('0');
    observer = new RedisBulkhead('payments', { client, maxConcurrent: 10, keyPrefix });
    expect(await observer.refreshState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
  });

  it('admits waiters queued from different processes in the order they queued', async () => {
    workers = await startWorkers(3, {
      url: REDIS_URL,
      name: 'fifo',
      keyPrefix,
      maxConcurrent: 1,
      leaseTtl: 5000,
    });
    observer = new RedisBulkhead('fifo', { client, maxConcurrent: 1, keyPrefix });
    const holder = await observer.acquire();
    const labels = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
    for (const [index, label] of labels.entries()) {
      const worker = workers[index % workers.length]!;
      worker.send({ type: 'wait', label, timeout: 30_000 });
      await worker.next('queued');
      await expect.poll(async () => (await observer!.refreshState()).waitingCount).toBe(index + 1);
    }
    // Every grant, from whichever process, in the order they arrive; each holder releases at once.
    const order: string[] = [];
    for (const worker of workers) {
      worker.child.on('message', (reply: { type: string; label?: string }) => {
        if (reply.type !== 'granted' || reply.label === undefined) return;
        order.push(reply.label);
        worker.send({ type: 'release', label: reply.label });
      });
    }
    holder.release();
    await expect.poll(() => order.length, { timeout: 20_000 }).toBe(labels.length);
    expect(order).toEqual(labels);
  });

  it('returns the permits of a process killed with SIGKILL within leaseTtl plus one renewal period', async () => {
    const leaseTtl = 600;
    workers = await startWorkers(2, { url: REDIS_URL, name: 'crash', keyPrefix, maxConcurrent: 2, leaseTtl });
    const [victim, survivor] = workers as [WorkerProcess, WorkerProcess];
    victim.send({ type: 'hold', count: 2 });
    await victim.next('holding');
    survivor.send({ type: 'wait', label: 'behind', timeout: 30_000 });
    await survivor.next('queued');
    await victim.kill();
    const killedAt = performance.now();
    const granted = await survivor.next('granted');
    expect(granted.label).toBe('behind');
    // Not a speed assertion: a bound on the lease protocol (TTL plus one renewal period, plus slack for a busy machine).
    expect(performance.now() - killedAt).toBeLessThan(leaseTtl + leaseTtl / 3 + 2000);
    survivor.send({ type: 'release', label: 'behind' });
  });

  it('a waiter whose process died expires and never blocks the queue', async () => {
    const leaseTtl = 600;
    workers = await startWorkers(2, {
      url: REDIS_URL,
      name: 'dead-waiter',
      keyPrefix,
      maxConcurrent: 1,
      leaseTtl,
    });
    const [victim, survivor] = workers as [WorkerProcess, WorkerProcess];
    observer = new RedisBulkhead('dead-waiter', { client, maxConcurrent: 1, keyPrefix, leaseTtl });
    const holder = await observer.acquire();
    victim.send({ type: 'wait', label: 'dead', timeout: 30_000 });
    await victim.next('queued');
    await expect.poll(async () => (await observer!.refreshState()).waitingCount).toBe(1);
    survivor.send({ type: 'wait', label: 'alive', timeout: 30_000 });
    await survivor.next('queued');
    await expect.poll(async () => (await observer!.refreshState()).waitingCount).toBe(2);
    await victim.kill();
    holder.release();
    const granted = await survivor.next('granted');
    expect(granted.label).toBe('alive');
    survivor.send({ type: 'release', label: 'alive' });
    await expect.poll(async () => (await observer!.refreshState()).activeCount).toBe(0);
  });
});
