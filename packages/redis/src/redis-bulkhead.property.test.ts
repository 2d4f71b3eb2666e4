import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBulkhead } from './redis-bulkhead.js';
import type { RedisPermit } from './redis-permit.js';
import { connectClient, deleteKeys, uniquePrefix } from './test-support/redis-test-client.js';

type Client = Awaited<ReturnType<typeof connectClient>>;

/** One step of a scenario, run on one of two compartments (two clients, as two processes would). */
type Step =
  | { kind: 'acquire'; side: 0 | 1; timeout: number }
  | { kind: 'release'; index: number }
  | { kind: 'abortAll' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('acquire' as const),
    side: fc.constantFrom(0 as const, 1 as const),
    timeout: fc.constantFrom(0, 20, 5000),
  }),
  fc.record({ kind: fc.constant('release' as const), index: fc.nat(20) }),
  fc.constant({ kind: 'abortAll' as const }),
);

describe('RedisBulkhead invariants', { timeout: 120_000 }, () => {
  const clients: Client[] = [];
  beforeAll(async () => {
    clients.push(await connectClient(), await connectClient());
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
  });

  it('never holds more than the limit in Redis, settles every call, and ends with no lease and no waiter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(step, { maxLength: 25 }),
        async (limit, steps) => {
          const keyPrefix = uniquePrefix();
          const sides = clients.map(
            (client) =>
              new RedisBulkhead('property', {
                client,
                maxConcurrent: limit,
                keyPrefix,
                commandTimeout: 2000,
              }),
          );
          const held: RedisPermit[] = [];
          const calls: Promise<unknown>[] = [];
          let controller = new AbortController();
          try {
            for (const current of steps) {
              if (current.kind === 'acquire') {
                const call = sides[current.side]!.acquire({
                  timeout: current.timeout,
                  signal: controller.signal,
                }).then(
                  (permit) => {
                    held.push(permit);
                  },
                  () => undefined,
                );
                calls.push(call);
                if (current.timeout === 0) await call;
              } else if (current.kind === 'release') {
                held.splice(current.index % Math.max(1, held.length), 1)[0]?.release();
              } else {
                controller.abort();
                controller = new AbortController();
              }
              const state = await sides[0]!.refreshState();
              expect(state.activeCount).toBeLessThanOrEqual(limit);
            }
            // Drain: release what is held until every call has settled.
            let settled = false;
            const all = Promise.all(calls).then(() => {
              settled = true;
            });
            while (!settled) {
              for (const permit of held.splice(0)) permit.release();
              await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 10))]);
            }
            for (const permit of held.splice(0)) permit.release();
            await Promise.all(sides.map((side) => side.close()));
            const observer = new RedisBulkhead('property', {
              client: clients[0]!,
              maxConcurrent: limit,
              keyPrefix,
            });
            const final = await observer.refreshState();
            await observer.close();
            expect(final).toMatchObject({ activeCount: 0, waitingCount: 0 });
            const local = sides.map((side) => side.getState().local);
            expect(local).toEqual([
              { activeCount: 0, waitingCount: 0 },
              { activeCount: 0, waitingCount: 0 },
            ]);
          } finally {
            await deleteKeys(clients[0]!, keyPrefix);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
