import type { FinishedEvent, PermittedEvent, RejectedEvent } from '@x/bulkhead-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisBulkhead } from './redis-bulkhead.js';
import { connectClient, deleteKeys, uniquePrefix } from './test-support/redis-test-client.js';

type Client = Awaited<ReturnType<typeof connectClient>>;

describe('RedisBulkhead events', () => {
  let client: Client;
  let keyPrefix: string;
  let bulkhead: RedisBulkhead;

  beforeEach(async () => {
    client = await connectClient();
    keyPrefix = uniquePrefix();
    bulkhead = new RedisBulkhead('events', { client, maxConcurrent: 1, keyPrefix, commandTimeout: 2000 });
  });

  afterEach(async () => {
    await bulkhead.close();
    await deleteKeys(client, keyPrefix);
    await client.close();
  });

  it('sends permitted, rejected and finished like every bulkhead, with type redis', async () => {
    const trace: string[] = [];
    const permitted: PermittedEvent[] = [];
    const rejected: RejectedEvent[] = [];
    const finished: FinishedEvent[] = [];
    bulkhead.on('permitted', (event) => {
      trace.push('permitted');
      permitted.push(event);
    });
    bulkhead.on('rejected', (event) => {
      trace.push(`rejected:${event.reason}`);
      rejected.push(event);
    });
    bulkhead.on('finished', (event) => {
      trace.push(`finished:${event.outcome}`);
      finished.push(event);
    });
    const permit = await bulkhead.acquire();
    await bulkhead.acquire().catch(() => undefined);
    permit.release();
    await bulkhead.execute(() => Promise.reject(new Error('provider down'))).catch(() => undefined);
    expect(trace).toEqual([
      'permitted',
      'rejected:queue_full',
      'finished:success',
      'permitted',
      'finished:failure',
    ]);
    expect(permitted[0]).toMatchObject({ bulkheadName: 'events', bulkheadType: 'redis' });
    expect(rejected[0]).toMatchObject({ bulkheadType: 'redis', activeCount: 1 });
    expect(finished[1]).toMatchObject({ outcome: 'failure', bulkheadType: 'redis' });
    expect(bulkhead.getState()).toMatchObject({
      totalCalls: 3,
      successfulCalls: 1,
      failedCalls: 1,
      rejectedCount: 1,
    });
  });

  it('a listener that throws never breaks the compartment', async () => {
    bulkhead.on('permitted', () => {
      throw new Error('listener bug');
    });
    const warnings: unknown[] = [];
    const onWarning = (warning: unknown) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      expect(await bulkhead.execute(() => 'still works')).toBe('still works');
      expect((await bulkhead.refreshState()).activeCount).toBe(0);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
