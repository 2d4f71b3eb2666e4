import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CapacityQueue } from './capacity-queue.js';

type Step =
  | { readonly kind: 'serve'; readonly count: number }
  | { readonly kind: 'capacity'; readonly capacity: number }
  | { readonly kind: 'advance'; readonly milliseconds: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('serve' as const), count: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('capacity' as const), capacity: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('advance' as const), milliseconds: fc.integer({ min: 0, max: 120 }) }),
);

describe('CapacityQueue under any sequence of requests, capacity changes and time', () => {
  afterEach(() => vi.useRealTimers());

  it('starts requests in arrival order, only below the capacity in force, and serves each exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 40 }),
        fc.integer({ min: 0, max: 30 }),
        async (steps, jitter) => {
          vi.useFakeTimers();
          let seed = 1;
          const queue = new CapacityQueue({
            capacity: 2,
            latencyMs: 50,
            jitterMs: jitter,
            random: () => {
              seed = (seed * 16_807) % 2_147_483_647;
              return seed / 2_147_483_647;
            },
          });
          const starts: number[] = [];
          const ends = new Map<number, number>();
          queue.onEvent((event) => {
            if (event.kind === 'start') {
              // A request starts only while fewer than `capacity` run (itself included, so <=).
              expect(queue.running).toBeLessThanOrEqual(queue.capacity);
              starts.push(event.request);
            } else ends.set(event.request, (ends.get(event.request) ?? 0) + 1);
          });
          const resolved: boolean[] = [];
          let sent = 0;
          for (const next of steps) {
            if (next.kind === 'serve') {
              for (let index = 0; index < next.count; index++, sent++) {
                void queue.serve().then((served) => resolved.push(served));
              }
            } else if (next.kind === 'capacity') queue.capacity = next.capacity;
            else await vi.advanceTimersByTimeAsync(next.milliseconds);
          }
          await vi.advanceTimersByTimeAsync(sent * 100 + 100);
          expect(starts).toEqual(Array.from({ length: sent }, (_, index) => index));
          expect([...ends.values()].every((count) => count === 1)).toBe(true);
          expect(ends.size).toBe(sent);
          expect(resolved).toEqual(new Array<boolean>(sent).fill(true));
          expect({ running: queue.running, waiting: queue.waiting }).toEqual({ running: 0, waiting: 0 });
          vi.useRealTimers();
        },
      ),
      { numRuns: 100 },
    );
  });
});
