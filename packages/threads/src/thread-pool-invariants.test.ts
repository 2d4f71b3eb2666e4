import { BulkheadPolicy, BulkheadRegistry, type Permit } from '@x/bulkhead-core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ThreadPoolBulkhead } from './thread-pool-bulkhead.js';

const TASKS = new URL('../test/fixtures/tasks.mjs', import.meta.url);
const open: ThreadPoolBulkhead[] = [];

function pool(name: string, maxWorkers: number): ThreadPoolBulkhead {
  // minWorkers 0: these properties only reserve slots, no worker thread is started.
  const bulkhead = new ThreadPoolBulkhead(name, { filename: TASKS, maxWorkers, minWorkers: 0, maxQueue: 4 });
  open.push(bulkhead);
  return bulkhead;
}

afterAll(async () => {
  await Promise.all(open.splice(0).map((bulkhead) => bulkhead.close({ timeout: 0 })));
});

describe('invariants (property tests)', () => {
  it('ThreadPoolBulkhead: queued acquirers are served FIFO, aborts and queue_full included, like an array model', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            { arbitrary: fc.constant('acquire' as const), weight: 3 },
            { arbitrary: fc.constant('release' as const), weight: 1 },
            { arbitrary: fc.nat({ max: 8 }), weight: 1 },
          ),
          { maxLength: 30 },
        ),
        async (operations) => {
          const bulkhead = pool(`fifo-model-${run++}`, 2);
          const held: Permit[] = [];
          const queued: Array<{ id: number; controller: AbortController }> = [];
          const granted: number[] = [];
          const expected: number[] = [];
          const refused: number[] = [];
          const expectedRefused: number[] = [];
          const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
          let next = 0;
          for (const operation of operations) {
            if (operation === 'acquire') {
              const id = next++;
              const controller = new AbortController();
              // A free slot grants at once; else it queues while the queue has room (maxQueue 4).
              if (held.length < 2 && queued.length === 0) expected.push(id);
              else if (queued.length < 4) queued.push({ id, controller });
              else expectedRefused.push(id);
              bulkhead
                .acquire({ timeout: Number.POSITIVE_INFINITY, signal: controller.signal })
                .then((permit) => {
                  granted.push(id);
                  held.push(permit);
                })
                .catch(() => refused.push(id));
            } else if (operation === 'release') {
              const permit = held.shift();
              permit?.release();
              permit?.release(); // a second release does nothing
              const head = permit === undefined ? undefined : queued.shift();
              if (head !== undefined) expected.push(head.id);
            } else {
              const waiter = queued[operation % Math.max(1, queued.length)];
              if (waiter !== undefined) {
                waiter.controller.abort();
                queued.splice(queued.indexOf(waiter), 1);
                expectedRefused.push(waiter.id);
              }
            }
            await settled();
            expect(granted).toEqual(expected);
            expect(refused).toEqual(expectedRefused);
            expect(bulkhead.waitingCount).toBe(queued.length);
            expect(bulkhead.activeCount).toBe(held.length);
          }
          const closing = bulkhead.close(); // rejects whatever still waits
          for (const permit of held) permit.release();
          await closing;
        },
      ),
      { numRuns: 60 },
    );
  });

  it('ThreadPoolBulkhead: reserved slots equal live permits and never exceed maxWorkers', () => {
    let index = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constant('take' as const), fc.nat({ max: 8 })), { maxLength: 30 }),
        (maxWorkers, operations) => {
          const bulkhead = pool(`property-${index++}`, maxWorkers);
          const held: Permit[] = [];
          for (const operation of operations) {
            if (operation === 'take') {
              const permit = bulkhead.tryAcquire();
              if (permit !== undefined) held.push(permit);
            } else {
              held[operation % Math.max(1, held.length)]?.release();
            }
            const live = held.filter((permit) => !permit.released).length;
            expect(bulkhead.activeCount).toBe(live);
            expect(bulkhead.activeCount).toBeLessThanOrEqual(maxWorkers);
          }
          for (const permit of held) permit.release();
          expect(bulkhead.activeCount).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('treated like any bulkhead', () => {
  it('registers in a BulkheadRegistry and runs under a BulkheadPolicy (execute(fn) holds a slot)', async () => {
    const registry = new BulkheadRegistry();
    const bulkhead = new ThreadPoolBulkhead('policy', {
      filename: TASKS,
      maxWorkers: 1,
      minWorkers: 0,
      maxQueue: 0,
    });
    open.push(bulkhead);
    registry.register(bulkhead);
    expect(registry.get('policy')).toBe(bulkhead);
    const policy = new BulkheadPolicy(bulkhead);
    await expect(policy.execute(() => 'ran')).resolves.toMatchObject({ outcome: 'success', value: 'ran' });
    const permit = bulkhead.tryAcquire();
    await expect(policy.execute(() => 'never')).resolves.toMatchObject({ outcome: 'rejected' });
    permit?.release();
    // The policy's timeout is a wait budget here as everywhere; the run budget is the pool's runTimeout.
    const waiting = new BulkheadPolicy(bulkhead, { timeout: 10 });
    await expect(waiting.execute(() => 'waited')).resolves.toMatchObject({ outcome: 'success' });
    const budgeted = new ThreadPoolBulkhead('policy-run-budget', {
      filename: TASKS,
      maxWorkers: 1,
      minWorkers: 0,
      runTimeout: 10,
    });
    open.push(budgeted);
    const result = await new BulkheadPolicy(budgeted).execute(
      ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', resolve)),
    );
    expect(result.outcome).toBe('timeout');
  });
});
