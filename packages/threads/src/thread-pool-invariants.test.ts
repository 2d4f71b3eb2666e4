import { BulkheadPolicy, BulkheadRegistry, type Permit } from '@x/bulkhead-core';
import { type QueueNode, WaiterQueue } from '@x/bulkhead-core/extension';
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

class Node implements QueueNode {
  previous: QueueNode | undefined = undefined;
  next: QueueNode | undefined = undefined;
  queued = false;
  constructor(readonly id: number) {}
}

describe('invariants (property tests)', () => {
  it('the job queue (core WaiterQueue) behaves like an array model under push, shift and removal from the middle', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant('push' as const), fc.constant('shift' as const), fc.nat({ max: 20 }))),
        (operations) => {
          const queue = new WaiterQueue<Node>();
          const model: Node[] = [];
          let next = 0;
          for (const operation of operations) {
            if (operation === 'push') {
              const node = new Node(next++);
              queue.push(node);
              model.push(node);
            } else if (operation === 'shift') {
              expect(queue.shift()).toBe(model.shift());
            } else {
              const node = model[operation % Math.max(1, model.length)];
              if (node !== undefined) {
                queue.remove(node);
                queue.remove(node); // a second removal is ignored
                model.splice(model.indexOf(node), 1);
              }
            }
            expect(queue.size).toBe(model.length);
            expect(queue.peek()).toBe(model[0]);
          }
        },
      ),
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
      { numRuns: 40 },
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
