import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Permit } from '../permit.js';
import { flush, type Tracked, track } from '../test-support/async-helpers.js';
import { PartitionedBulkhead } from './partitioned-bulkhead.js';

const PARTITIONS = ['live', 'batch', 'bulk', undefined] as const;

const step = fc.oneof(
  fc.record({
    kind: fc.constant('acquire' as const),
    partition: fc.nat(PARTITIONS.length - 1),
    waits: fc.boolean(),
    abortable: fc.boolean(),
    priority: fc.constantFrom('low' as const, 'normal' as const, 'high' as const),
  }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat(1000) }),
  fc.record({ kind: fc.constant('abort' as const), pick: fc.nat(1000) }),
  fc.record({ kind: fc.constant('resize' as const), limit: fc.integer({ min: 3, max: 8 }) }),
);

describe('PartitionedBulkhead (properties)', () => {
  it('never admits above the limit, honours guarantees whenever demanded, and settles every promise', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 8 }),
        fc.constantFrom('fifo' as const, 'lifo' as const),
        fc.array(step, { maxLength: 120, size: 'max' }),
        async (limit, queueOrder, steps) => {
          const bulkhead = new PartitionedBulkhead('property', {
            maxConcurrent: limit,
            queueOrder,
            partitions: { live: { share: 0.6 }, batch: { share: 0.3 }, bulk: { share: 0.1 } },
          });
          const admittedAbove: number[] = [];
          bulkhead.on('permitted', (event) => {
            if (event.activeCount > bulkhead.maxConcurrent) admittedAbove.push(event.activeCount);
          });
          const calls: Array<Tracked<Permit>> = [];
          const partitionOf = new Map<Tracked<Permit>, string | undefined>();
          const heldPartition = new Map<Permit, string | undefined>();
          const controllers: AbortController[] = [];
          const held = new Set<Permit>();
          const starvedFor = new Map<string, number>();
          for (const action of steps) {
            if (action.kind === 'acquire') {
              const controller = new AbortController();
              const partition = PARTITIONS[action.partition];
              controllers.push(controller);
              const call = track(
                bulkhead.acquire({
                  ...(partition === undefined ? {} : { partition }),
                  ...(action.waits ? { timeout: Number.POSITIVE_INFINITY } : {}),
                  ...(action.abortable ? { signal: controller.signal } : {}),
                  priority: action.priority,
                }),
              );
              calls.push(call);
              partitionOf.set(call, partition);
            } else if (action.kind === 'release' && held.size > 0) {
              const before = bulkhead.getState();
              const permit = [...held][action.pick % held.size]!;
              held.delete(permit);
              permit.release();
              // Only a release that frees a permit counts (one above a shrunk limit frees nothing).
              const freed = before.activeCount <= before.maxConcurrent;
              for (const [name, partition] of Object.entries(before.partitions)) {
                if (name === heldPartition.get(permit)) continue;
                if (freed && partition.waiting > 0 && partition.active < partition.guaranteed) {
                  starvedFor.set(name, (starvedFor.get(name) ?? 0) + 1);
                }
              }
            } else if (action.kind === 'abort' && controllers.length > 0) {
              controllers[action.pick % controllers.length]!.abort();
            } else if (action.kind === 'resize') {
              bulkhead.resize(action.limit);
            }
            await flush();
            for (const call of calls) {
              if (call.status !== 'fulfilled' || call.value!.released || held.has(call.value!)) continue;
              held.add(call.value!);
              heldPartition.set(call.value!, partitionOf.get(call));
            }
            const state = bulkhead.getState();
            expect(held.size).toBe(state.activeCount);
            for (const [name, partition] of Object.entries(state.partitions)) {
              const starving = partition.waiting > 0 && partition.active < partition.guaranteed;
              // Below its guarantee with waiters only while every permit is taken ...
              if (starving) expect(state.activeCount).toBeGreaterThanOrEqual(state.maxConcurrent);
              else starvedFor.delete(name);
              // ... and for no more releases than the limit.
              expect(starvedFor.get(name) ?? 0).toBeLessThanOrEqual(state.maxConcurrent);
            }
          }
          expect(admittedAbove).toEqual([]);
          const closed = bulkhead.close();
          for (const permit of held) permit.release();
          await closed;
          await flush();
          expect(calls.every((call) => call.status !== 'pending')).toBe(true);
          expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
        },
      ),
      { numRuns: 150 },
    );
    // Generous: a few hundred generated scenarios on a busy 2-core machine; nothing here depends on speed.
  }, 120_000);
});
