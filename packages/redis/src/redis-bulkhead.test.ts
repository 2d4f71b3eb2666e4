import { BulkheadClosedError, BulkheadFullError } from '@x/bulkhead-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisBulkhead } from './redis-bulkhead.js';
import { connectClient, deleteKeys, uniquePrefix } from './test-support/redis-test-client.js';

type Client = Awaited<ReturnType<typeof connectClient>>;

describe('RedisBulkhead on one process', () => {
  let client: Client;
  let keyPrefix: string;
  const bulkheads: RedisBulkhead[] = [];
  const create = (name: string, options: Partial<ConstructorParameters<typeof RedisBulkhead>[1]> = {}) => {
    const bulkhead = new RedisBulkhead(name, {
      client,
      maxConcurrent: 2,
      keyPrefix,
      commandTimeout: 2000,
      ...options,
    });
    bulkheads.push(bulkhead);
    return bulkhead;
  };

  beforeEach(async () => {
    client = await connectClient();
    keyPrefix = uniquePrefix();
  });

  afterEach(async () => {
    await Promise.all(bulkheads.splice(0).map((bulkhead) => bulkhead.close()));
    await deleteKeys(client, keyPrefix);
    await client.close();
  });

  it('admits up to the limit at once and rejects the next immediate call with queue_full', async () => {
    const bulkhead = create('payments');
    const first = await bulkhead.acquire();
    const second = await bulkhead.acquire();
    const rejection = await bulkhead.acquire().catch((error: unknown) => error);
    expect(BulkheadFullError.isInstance(rejection) && rejection.reason).toBe('queue_full');
    expect(bulkhead.getState()).toMatchObject({
      type: 'redis',
      activeCount: 2,
      maxConcurrent: 2,
      rejectedCount: 1,
    });
    first.release();
    second.release();
    const state = await bulkhead.refreshState();
    expect(state).toMatchObject({ activeCount: 0, waitingCount: 0, totalCalls: 3, successfulCalls: 2 });
    expect(state.cluster.readAt).toBeTypeOf('number');
  });

  it('gives every grant a strictly larger fencing token, on the permit and to fn', async () => {
    const bulkhead = create('tokens');
    const tokens: number[] = [];
    for (let index = 0; index < 5; index++) {
      await bulkhead.execute(({ fencingToken }) => {
        tokens.push(fencingToken ?? -1);
      });
    }
    const permit = await bulkhead.acquire();
    tokens.push(permit.fencingToken ?? -1);
    permit.release();
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(new Set(tokens).size).toBe(6);
    expect(tokens[0]).toBeGreaterThan(0);
  });

  it('hands a released permit to the head waiter (FIFO) and wakes it through pub/sub', async () => {
    const bulkhead = create('handoff', { maxConcurrent: 1 });
    const holder = await bulkhead.acquire();
    const order: string[] = [];
    const waiters = ['a', 'b', 'c'].map((label) =>
      bulkhead.execute(
        () => {
          order.push(label);
        },
        { timeout: 10_000 },
      ),
    );
    await expect.poll(async () => (await bulkhead.refreshState()).waitingCount).toBe(3);
    holder.release();
    await Promise.all(waiters);
    expect(order).toEqual(['a', 'b', 'c']);
    expect((await bulkhead.refreshState()).activeCount).toBe(0);
  });

  it('rejects a waiter whose timeout passes with queue_timeout and removes it from the Redis queue', async () => {
    const bulkhead = create('deadline', { maxConcurrent: 1 });
    const holder = await bulkhead.acquire();
    const rejection = await bulkhead.acquire({ timeout: 50 }).catch((error: unknown) => error);
    expect(BulkheadFullError.isInstance(rejection) && rejection.reason).toBe('queue_timeout');
    await expect.poll(async () => (await bulkhead.refreshState()).waitingCount).toBe(0);
    holder.release();
  });

  it('rejects an aborted waiter with the signal reason and leaves no waiter behind', async () => {
    const bulkhead = create('abort', { maxConcurrent: 1 });
    const holder = await bulkhead.acquire();
    const controller = new AbortController();
    const waiting = bulkhead.acquire({ timeout: 10_000, signal: controller.signal });
    await expect.poll(async () => (await bulkhead.refreshState()).waitingCount).toBe(1);
    controller.abort(new Error('caller gave up'));
    await expect(waiting).rejects.toThrow('caller gave up');
    await expect.poll(async () => (await bulkhead.refreshState()).waitingCount).toBe(0);
    holder.release();
  });

  it('bounds the cluster queue with maxQueue', async () => {
    const bulkhead = create('bounded', { maxConcurrent: 1, maxQueue: 1 });
    const holder = await bulkhead.acquire();
    const queued = bulkhead.acquire({ timeout: 10_000 });
    await expect.poll(async () => (await bulkhead.refreshState()).waitingCount).toBe(1);
    const rejection = await bulkhead.acquire({ timeout: 10_000 }).catch((error: unknown) => error);
    expect(BulkheadFullError.isInstance(rejection) && rejection.reason).toBe('queue_full');
    holder.release();
    (await queued).release();
  });

  it('resize grows the limit for everyone and admits waiters at once', async () => {
    const bulkhead = create('resize', { maxConcurrent: 1 });
    const other = create('resize', { maxConcurrent: 1 });
    const holder = await bulkhead.acquire();
    const waiting = other.acquire({ timeout: 10_000 });
    await expect.poll(async () => (await other.refreshState()).waitingCount).toBe(1);
    const resized = bulkhead.resize(2);
    expect(bulkhead.getState().maxConcurrent).toBe(2);
    await resized;
    const permit = await waiting;
    expect((await other.refreshState()).maxConcurrent).toBe(2);
    permit.release();
    holder.release();
  });

  it('close() rejects queued calls with BulkheadClosedError, waits for in-flight work, then rejects new calls', async () => {
    const bulkhead = create('closing', { maxConcurrent: 1 });
    const holder = await bulkhead.acquire();
    const waiting = bulkhead.acquire({ timeout: 10_000 }).catch((error: unknown) => error);
    await expect.poll(async () => (await bulkhead.refreshState()).waitingCount).toBe(1);
    const closing = bulkhead.close();
    expect(BulkheadClosedError.isInstance(await waiting)).toBe(true);
    let closed = false;
    void closing.then(() => {
      closed = true;
    });
    await Promise.resolve();
    expect(closed).toBe(false);
    holder.release();
    await closing;
    await expect(bulkhead.acquire()).rejects.toSatisfy(BulkheadClosedError.isInstance);
    const observer = create('closing', { maxConcurrent: 1 });
    expect(await observer.refreshState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
  });

  it('close() while an immediate acquire is in flight: the late grant goes back and the call rejects with BulkheadClosedError', async () => {
    const bulkhead = create('late-grant', { maxConcurrent: 1 });
    const pending = bulkhead.acquire();
    const closing = bulkhead.close();
    await expect(pending).rejects.toSatisfy(BulkheadClosedError.isInstance);
    await closing;
    const observer = create('late-grant', { maxConcurrent: 1 });
    expect(await observer.refreshState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
  });

  it('a permit is disposable: `await using` releases it at the end of the block', async () => {
    const bulkhead = create('disposable', { maxConcurrent: 1 });
    {
      await using permit = await bulkhead.acquire();
      expect(permit.released).toBe(false);
    }
    const next = await bulkhead.acquire();
    next.release();
    expect(bulkhead.getState()).toMatchObject({ successfulCalls: 2, rejectedCount: 0 });
  });

  it('a permit released twice frees one slot only', async () => {
    const bulkhead = create('twice', { maxConcurrent: 2 });
    const permit = await bulkhead.acquire();
    const other = await bulkhead.acquire();
    permit.release();
    permit.release();
    await expect.poll(async () => (await bulkhead.refreshState()).activeCount).toBe(1);
    other.release();
  });
});
