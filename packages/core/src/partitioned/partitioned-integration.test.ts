import { afterEach, describe, expect, it } from 'vitest';
import {
  BulkheadFullError,
  BulkheadPolicy,
  BulkheadRegistry,
  bulkhead,
  bulkheadPolicy,
  getBulkheadRegistry,
  type PartitionedBulkheadState,
  type Permit,
  type RegistryChange,
} from '../index.js';
import { deferred, flush } from '../test-support/async-helpers.js';
import { PartitionedBulkhead } from './partitioned-bulkhead.js';

// A PartitionedBulkhead and its partition views in the parts of core that know only the Bulkhead contract:
// the registry, policies, the decorator and wrap().

/** 4 permits: live is guaranteed 3, batch 1; either borrows what the other leaves idle. */
function reportsDatabase(name = 'reports-db'): PartitionedBulkhead<'live' | 'batch'> {
  return new PartitionedBulkhead(name, {
    maxConcurrent: 4,
    partitions: { live: { share: 0.75 }, batch: { share: 0.25 } },
  });
}

const registeredGlobally: string[] = [];
afterEach(() => {
  for (const name of registeredGlobally.splice(0)) getBulkheadRegistry().unregister(name);
});

describe('a partitioned compartment in the registry', () => {
  it('registers the compartment and its partition views; getAllStates lists the partitions and each view', async () => {
    const registry = new BulkheadRegistry();
    const changes: string[] = [];
    registry.onChange((change: RegistryChange) => changes.push(`${change.kind} ${change.bulkhead.name}`));
    const database = reportsDatabase();
    registry.register(database);
    const live = registry.register(database.partition('live'));
    const batch = registry.register(database.partition('batch'));
    expect(changes).toEqual(['added reports-db', 'added reports-db/live', 'added reports-db/batch']);
    expect(registry.get('reports-db/batch')).toBe(batch);

    const held = await Promise.all([batch.acquire(), batch.acquire(), live.acquire()]);
    const states = registry.getAllStates();
    expect(Object.keys(states)).toEqual(['reports-db', 'reports-db/live', 'reports-db/batch']);
    expect((states['reports-db'] as PartitionedBulkheadState).partitions).toMatchObject({
      live: { guaranteed: 3, active: 1, borrowed: 0 },
      batch: { guaranteed: 1, active: 2, borrowed: 1 },
    });
    expect(states['reports-db/batch']).toMatchObject({
      name: 'reports-db/batch',
      type: 'partitioned',
      activeCount: 2,
      maxConcurrent: 4,
    });
    expect(states['reports-db/live']).toMatchObject({ activeCount: 1 });
    for (const permit of held) permit.release();
    expect(registry.getAllStates()['reports-db']).toMatchObject({ activeCount: 0, totalCalls: 3 });

    expect(registry.unregister('reports-db/batch')).toBe(true);
    expect(changes.at(-1)).toBe('removed reports-db/batch');
  });

  it('a view registered under its name is what bulkheadPolicy(name) and bulkhead(name) find', async () => {
    const database = reportsDatabase('reports-db-global');
    const batch = database.partition('batch');
    getBulkheadRegistry().register(batch);
    registeredGlobally.push(batch.name);
    // getOrCreate on an existing view: its options match the view's state, nothing is created.
    const policy = bulkheadPolicy('reports-db-global/batch', { maxConcurrent: 4 });
    expect(policy.bulkhead).toBe(batch);
    await expect(policy.execute(() => 'exported')).resolves.toMatchObject({
      outcome: 'success',
      value: 'exported',
      policyName: 'bulkhead:reports-db-global/batch',
    });
    const exportRows = bulkhead('reports-db-global/batch')(async (rows: number) => rows * 2);
    await expect(exportRows(21)).resolves.toBe(42);
    expect(database.getState().partitions.batch).toMatchObject({ active: 0, rejected: 0 });
    expect(batch.getState()).toMatchObject({ totalCalls: 2, successfulCalls: 2 });
  });
});

describe('a batch flood through a policy and the decorator', () => {
  it('batch borrows the idle permits; live takes them back at the next releases; a full batch falls back', async () => {
    const database = reportsDatabase();
    const batchPolicy = new BulkheadPolicy(database.partition('batch'), { timeout: 60_000 });
    const batchGates = [deferred(), deferred(), deferred(), deferred(), deferred()];
    let batchStarted = 0;
    const batchRun = (index: number) =>
      batchPolicy.execute(async () => {
        batchStarted++;
        await batchGates[index]?.promise;
        return `batch ${index}`;
      });
    // The flood: 5 batch calls on 4 idle permits; 4 run (1 guaranteed, 3 borrowed), 1 waits.
    const batchResults = [0, 1, 2, 3, 4].map(batchRun);
    await flush();
    expect(batchStarted).toBe(4);
    expect(database.getState().partitions.batch).toMatchObject({ active: 4, borrowed: 3, waiting: 1 });

    // Live traffic through the decorator (fail fast would fall back, so it waits up to 60 s).
    const served: string[] = [];
    const liveGate = deferred();
    const liveLookup = bulkhead<[string], string>(database.partition('live'), {
      timeout: 60_000,
      fallback: (_error, id) => `cached ${id}`,
    })(async (id: string) => {
      served.push(id);
      await liveGate.promise;
      return `fresh ${id}`;
    });
    const liveResults = [liveLookup('a'), liveLookup('b')];
    await flush();
    expect(served).toEqual([]);
    // Each release goes to live while it is short of its share, never to the older batch waiter.
    batchGates[0]?.resolve();
    await flush();
    expect(served).toEqual(['a']);
    batchGates[1]?.resolve();
    await flush();
    expect(served).toEqual(['a', 'b']);
    expect(batchStarted).toBe(4);
    expect(database.getState().partitions).toMatchObject({
      live: { active: 2, borrowed: 0 },
      batch: { active: 2, borrowed: 1, waiting: 1 },
    });
    liveGate.resolve();
    await expect(Promise.all(liveResults)).resolves.toEqual(['fresh a', 'fresh b']);
    // Live is done: its releases go to the batch waiter.
    await flush();
    expect(batchStarted).toBe(5);
    for (const gate of batchGates) gate.resolve();
    expect((await Promise.all(batchResults)).map((result) => result.outcome)).toEqual([
      'success',
      'success',
      'success',
      'success',
      'success',
    ]);
  });

  it('the decorator falls back only on a rejection of its own partition; a fail-fast policy reports it', async () => {
    const database = reportsDatabase();
    const held: Permit[] = await Promise.all([0, 1, 2, 3].map(() => database.partition('live').acquire()));
    const fallbackErrors: unknown[] = [];
    const exportRows = bulkhead<[number], string>(database.partition('batch'), {
      fallback: (error, rows) => {
        fallbackErrors.push(error);
        return `queued ${rows} rows for later`;
      },
    })((rows: number) => `exported ${rows} rows`);
    await expect(exportRows(500)).resolves.toBe('queued 500 rows for later');
    expect(fallbackErrors[0]).toBeInstanceOf(BulkheadFullError);
    expect(fallbackErrors[0]).toMatchObject({ bulkheadName: 'reports-db', reason: 'queue_full' });
    const failing = bulkhead(database.partition('batch'), { fallback: () => 'never' })(() => {
      throw new Error('export failed');
    });
    for (const permit of held) permit.release();
    await expect(failing()).rejects.toThrow('export failed');

    for (const permit of await Promise.all([0, 1, 2, 3].map(() => database.partition('live').acquire())))
      held.push(permit);
    const result = await new BulkheadPolicy(database.partition('batch')).execute(() => 'no room');
    expect(result).toMatchObject({ outcome: 'rejected', policyName: 'bulkhead:reports-db/batch' });
    for (const permit of held.slice(4)) permit.release();
    expect(database.getState().partitions.batch).toMatchObject({ active: 0, rejected: 2 });
  });

  it('wrap() on a view passes this and arguments and counts in the partition', async () => {
    const database = reportsDatabase();
    const report = {
      prefix: 'row',
      render(this: { prefix: string }, id: number) {
        return `${this.prefix} ${id}`;
      },
    };
    const render = database.partition('live').wrap(report.render);
    await expect(render.call(report, 7)).resolves.toBe('row 7');
    expect(database.getState().partitions).toMatchObject({ live: { active: 0 }, batch: { active: 0 } });
    expect(database.partition('live').getState()).toMatchObject({ totalCalls: 1, successfulCalls: 1 });
  });
});
