import { describe, expect, it } from 'vitest';
import { KeyedBulkhead } from '../keyed/keyed-bulkhead.js';
import { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import { type Deferred, deferred, flush } from '../test-support/async-helpers.js';
import { PartitionedBulkhead } from './partitioned-bulkhead.js';

// The README examples of "Partitioned bulkheads" and "Keyed bulkheads", run as written, with stand-ins for the
// user's functions whose completion the test controls.

describe('README: partitioned bulkheads', () => {
  it('keeps a batch flood to its share of the compartment live traffic needs', async () => {
    const rowsDone: Array<Deferred<void>> = [];
    const exportRow = (_index: number): Promise<void> => {
      const done = deferred();
      rowsDone.push(done);
      return done.promise;
    };
    const pagesDone: Array<Deferred<string>> = [];
    const renderPage = (_userId: string): Promise<string> => {
      const done = deferred<string>();
      pagesDone.push(done);
      return done.promise;
    };
    const userIds = Array.from({ length: 9 }, (_, index) => `user-${index}`);

    const database = new PartitionedBulkhead('database', {
      maxConcurrent: 10,
      partitions: { live: { share: 0.9 }, batch: { share: 0.1, maxQueue: 10_000 } },
    });
    const rows = Array.from({ length: 1_000 }, (_, index) =>
      database.execute(() => exportRow(index), { partition: 'batch', timeout: 60_000 }),
    );
    await flush();
    // The flood borrowed every idle permit.
    expect(database.getState().partitions.batch).toEqual({
      guaranteed: 1,
      active: 10,
      waiting: 990,
      rejected: 0,
      borrowed: 9,
    });
    const pages = userIds.map((userId) =>
      database.execute(() => renderPage(userId), { partition: 'live', timeout: 1_000 }),
    );
    for (const row of rowsDone.slice(0, 9)) row.resolve();
    await flush();
    expect(database.getState().partitions.batch).toEqual({
      guaranteed: 1,
      active: 1,
      waiting: 990,
      rejected: 0,
      borrowed: 0,
    });
    expect(database.getState().partitions.live).toEqual({
      guaranteed: 9,
      active: 9,
      waiting: 0,
      rejected: 0,
      borrowed: 0,
    });
    // Live traffic keeps its 9 busy (each page is followed by another): batch keeps exactly 1.
    for (let round = 0; round < 5; round++) {
      const finished = pagesDone.splice(0, 1)[0]!;
      pages.push(database.execute(() => renderPage('next'), { partition: 'live', timeout: 1_000 }));
      finished.resolve('page');
      rowsDone[9 + round]!.resolve();
      await flush();
      expect(database.getState().partitions.batch!.active).toBe(1);
      expect(database.getState().partitions.live!.active).toBe(9);
    }
    // Live goes quiet: batch borrows again.
    for (const page of pagesDone.splice(0)) page.resolve('page');
    await flush();
    expect(database.getState().partitions.batch).toMatchObject({ active: 10, borrowed: 9 });
    await expect(Promise.all(pages)).resolves.toHaveLength(14);
    // Let the export finish.
    for (let settled = 0; settled < 1_000; ) {
      const open = rowsDone.filter((_, index) => index >= settled);
      settled = rowsDone.length;
      for (const row of open) row.resolve();
      await flush();
    }
    await Promise.all(rows);
    expect(database.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, successfulCalls: 1_014 });
  });
});

describe('README: queue order, shedding and priorities', () => {
  it('runs a high-priority live call in a drop-oldest bulkhead', async () => {
    const query = 'bulkh';
    const suggest = async (text: string): Promise<string[]> => [`${text}ead`];
    const search = new PartitionedBulkhead('search', {
      maxConcurrent: 8,
      partitions: { live: { share: 0.75, maxQueue: 100 }, batch: { share: 0.25 } },
      onQueueFull: 'drop-oldest',
    });
    await expect(
      search.execute(() => suggest(query), { partition: 'live', priority: 'high', timeout: 200 }),
    ).resolves.toEqual(['bulkhead']);
    expect(search.getState().partitions.live!.guaranteed).toBe(6);
  });
});

describe('README: keyed bulkheads', () => {
  it('runs a call per tenant under a global limit, and gives a Bulkhead per key', async () => {
    const request = { path: '/orders' };
    const callUpstream = async (_request: unknown, _options: { signal: AbortSignal }): Promise<string> =>
      'answer';

    const upstream = new SemaphoreBulkhead('upstream', { maxConcurrent: 50 });
    const tenants = new KeyedBulkhead('tenants', {
      perKey: { maxConcurrent: 5, maxQueue: 20 },
      maxKeys: 10_000,
      idleTimeout: 60_000,
      global: upstream,
    });
    const answer = await tenants.execute('acme', ({ signal }) => callUpstream(request, { signal }), {
      timeout: 2_000,
    });
    const acme = tenants.forKey('acme');

    expect(answer).toBe('answer');
    expect(upstream.getState().successfulCalls).toBe(1);
    expect(acme.getState()).toMatchObject({ name: 'tenants/acme', successfulCalls: 1 });
    expect(tenants.getState()).toMatchObject({ type: 'keyed', keyCount: 1, successfulCalls: 1 });
  });
});
