import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Permit } from '../permit.js';
import { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import { flush, type Tracked, track, useFakeClock } from '../test-support/async-helpers.js';
import { KeyedBulkhead } from './keyed-bulkhead.js';

const KEYS = ['a', 'b', 'c', 'd', 'e'] as const;

const step = fc.oneof(
  fc.record({
    kind: fc.constant('acquire' as const),
    key: fc.nat(KEYS.length - 1),
    timeout: fc.constantFrom(undefined, 30, Number.POSITIVE_INFINITY),
    abortable: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat(1000) }),
  fc.record({ kind: fc.constant('abort' as const), pick: fc.nat(1000) }),
  fc.record({ kind: fc.constant('advance' as const), milliseconds: fc.integer({ min: 1, max: 80 }) }),
);

afterEach(() => {
  vi.useRealTimers();
});

describe('KeyedBulkhead (properties)', () => {
  it('keeps every limit, never evicts a key in use, and settles every promise', async () => {
    useFakeClock();
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(step, { maxLength: 80, size: 'max' }),
        async (chained, steps) => {
          const global = chained ? new SemaphoreBulkhead('global', { maxConcurrent: 3 }) : undefined;
          const tenants = new KeyedBulkhead('tenants', {
            perKey: { maxConcurrent: 2, maxQueue: 2 },
            maxKeys: 3,
            idleTimeout: 50,
            ...(global === undefined ? {} : { global }),
          });
          const calls: Array<{ key: string; call: Tracked<Permit> }> = [];
          const controllers: AbortController[] = [];
          const held = new Set<Permit>();
          for (const action of steps) {
            if (action.kind === 'acquire') {
              const controller = new AbortController();
              controllers.push(controller);
              const key = KEYS[action.key]!;
              const call = track(
                tenants.acquire(key, {
                  ...(action.timeout === undefined ? {} : { timeout: action.timeout }),
                  ...(action.abortable ? { signal: controller.signal } : {}),
                }),
              );
              calls.push({ key, call });
            } else if (action.kind === 'release' && held.size > 0) {
              const permit = [...held][action.pick % held.size]!;
              held.delete(permit);
              permit.release();
            } else if (action.kind === 'abort' && controllers.length > 0) {
              controllers[action.pick % controllers.length]!.abort();
            } else if (action.kind === 'advance') {
              await vi.advanceTimersByTimeAsync(action.milliseconds);
            }
            await flush();
            await flush();
            for (const { call } of calls) {
              if (call.status === 'fulfilled' && !call.value!.released) held.add(call.value!);
            }
            expect(tenants.keyCount).toBeLessThanOrEqual(3);
            if (global !== undefined) expect(global.activeCount).toBeLessThanOrEqual(3);
            for (const key of KEYS) {
              const outstanding = calls.filter(
                ({ key: callKey, call }) =>
                  callKey === key &&
                  (call.status === 'pending' || (call.status === 'fulfilled' && !call.value!.released)),
              ).length;
              const state = tenants.keyState(key);
              expect(state.activeCount).toBeLessThanOrEqual(2);
              // A compartment evicted while in use would read all zeros here.
              expect(state.activeCount + state.waitingCount).toBe(outstanding);
            }
          }
          const closed = tenants.close();
          for (const permit of held) permit.release();
          await closed;
          await flush();
          expect(calls.every(({ call }) => call.status !== 'pending')).toBe(true);
          expect(tenants.activeCount).toBe(0);
          if (global !== undefined) expect(global.activeCount).toBe(0);
        },
      ),
      { numRuns: 120 },
    );
    // Generous: a few hundred generated scenarios on a busy 2-core machine; nothing here depends on speed.
  }, 120_000);
});
