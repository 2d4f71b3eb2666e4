import { BulkheadClosedError } from '@x/bulkhead-core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetProStateForTesting } from '../test-support/entitle.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { ConfigEventBus } from './config-events.js';
import { ProBulkheadRegistry } from './pro-registry.js';

const create = () =>
  new ProBulkheadRegistry({ env: {}, logger: silentLogger, configEvents: new ConfigEventBus() });

function barrier(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

afterEach(() => {
  vi.useRealTimers();
  resetProStateForTesting();
});

describe('ProBulkheadRegistry.drain()', () => {
  it('rejects queued calls at once, refuses new ones, and resolves when in-flight work is done', async () => {
    const registry = create();
    const database = registry.get('database');
    registry.applySettings({ database: { maxConcurrent: 1 } });
    const gate = barrier();
    const running = database.execute(() => gate.promise.then(() => 'done'));
    const queued = database.execute(() => 'never', { timeout: Number.POSITIVE_INFINITY });
    const queuedOutcome = queued.then(
      () => 'resolved',
      (error: unknown) => (BulkheadClosedError.isInstance(error) ? 'closed' : 'other'),
    );
    const drained = registry.drain({ timeout: Number.POSITIVE_INFINITY });
    expect(await queuedOutcome).toBe('closed');
    await expect(database.execute(() => 'late')).rejects.toSatisfy(BulkheadClosedError.isInstance);
    await expect(registry.getOrCreate('created-after-drain').execute(() => 'late')).rejects.toSatisfy(
      BulkheadClosedError.isInstance,
    );
    gate.open();
    expect(await running).toBe('done');
    expect(await drained).toEqual({ status: 'drained', busy: [] });
    expect(registry.closed).toBe(true);
  });

  it('resolves timed_out with the busy compartments when work outlives the timeout', async () => {
    vi.useFakeTimers();
    const registry = create();
    const gate = barrier();
    const running = registry.get('cache').execute(() => gate.promise);
    const drained = registry.drain({ timeout: 5_000 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await drained).toEqual({ status: 'timed_out', busy: ['cache'] });
    gate.open();
    await running;
    expect(registry.get('cache').getState().activeCount).toBe(0);
  });

  it('drains overridden built-ins too', async () => {
    const registry = create();
    const original = registry.get('database');
    registry.register(create().get('database'));
    await registry.drain({ timeout: 0 });
    expect(original.getState().closed).toBe(true);
    expect(registry.get('database').getState().closed).toBe(true);
  });

  it.each([
    [{ timeout: -1 }, RangeError, 'options.timeout must be >= 0'],
    [{ timeout: 'soon' }, TypeError, 'options.timeout must be a number of milliseconds'],
    [{ timeout: null }, TypeError, 'options.timeout must be a number of milliseconds, got null'],
    [{ timout: 5 }, TypeError, 'options.timout is not a known option; did you mean timeout?'],
  ])('validates %j', (options, type, message) => {
    expect(() => create().drain(options as never)).toThrow(type);
    expect(() => create().drain(options as never)).toThrow(message);
  });

  it('settles every queued and in-flight promise, whatever the load (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ limit: fc.integer({ min: 1, max: 4 }), calls: fc.integer({ min: 0, max: 12 }) }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        async (plan) => {
          const registry = create();
          const gates: Array<() => void> = [];
          const outcomes: Array<Promise<string>> = [];
          plan.forEach(({ limit, calls }, index) => {
            const bulkhead = registry.getOrCreate(`c${index}`, { maxConcurrent: limit });
            for (let call = 0; call < calls; call++) {
              const gate = barrier();
              gates.push(gate.open);
              outcomes.push(
                bulkhead
                  .execute(() => gate.promise.then(() => 'ran'), { timeout: Number.POSITIVE_INFINITY })
                  .catch((error: unknown) => (BulkheadClosedError.isInstance(error) ? 'closed' : 'other')),
              );
            }
          });
          const drained = registry.drain({ timeout: Number.POSITIVE_INFINITY });
          for (const open of gates) open();
          const settled = await Promise.all(outcomes);
          expect(await drained).toEqual({ status: 'drained', busy: [] });
          const expectedRan = plan.reduce((sum, { limit, calls }) => sum + Math.min(limit, calls), 0);
          expect(settled.filter((outcome) => outcome === 'ran')).toHaveLength(expectedRan);
          expect(settled.filter((outcome) => outcome === 'closed')).toHaveLength(
            settled.length - expectedRan,
          );
          for (const state of Object.values(registry.getAllStates())) {
            expect(state).toMatchObject({ activeCount: 0, waitingCount: 0, closed: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
