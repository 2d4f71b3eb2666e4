import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Permit } from '../permit.js';
import { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import { useFakeClock } from '../test-support/async-helpers.js';
import { type AdaptiveLimitChange, adaptiveLimit } from './adaptive-limit.js';
import type { AdaptiveLimitOptions } from './adaptive-limit-options.js';
import { AimdAlgorithm } from './aimd-algorithm.js';
import { Gradient2Algorithm } from './gradient2-algorithm.js';
import type { LimitAlgorithm, LimitBounds } from './limit-algorithm.js';
import { VegasAlgorithm } from './vegas-algorithm.js';

const boundsArbitrary: fc.Arbitrary<LimitBounds> = fc
  .tuple(
    fc.integer({ min: 1, max: 10 }),
    fc.integer({ min: 0, max: 50 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  )
  .map(([minLimit, span, where]) => ({
    minLimit,
    maxLimit: minLimit + span,
    initialLimit: minLimit + Math.floor(where * span),
  }));

const algorithmArbitrary = fc.constantFrom('aimd', 'vegas', 'gradient2');

function createAlgorithm(name: 'aimd' | 'vegas' | 'gradient2', bounds: LimitBounds): LimitAlgorithm {
  if (name === 'aimd') return new AimdAlgorithm(bounds, { backoffRatio: 0.9, latencyThreshold: 100 });
  if (name === 'vegas')
    return new VegasAlgorithm(bounds, { alpha: 3, beta: 6, smoothing: 1, probeMultiplier: 2 });
  return new Gradient2Algorithm(bounds, {
    smoothing: 0.2,
    longWindow: 20,
    rttTolerance: 1.5,
    queueSize: Math.sqrt,
  });
}

type Operation =
  | { kind: 'acquire' }
  | { kind: 'release'; pick: number; outcome: 'success' | 'failure' | 'timeout' }
  | { kind: 'advance'; milliseconds: number };

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'acquire' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      pick: fc.nat(),
      outcome: fc.constantFrom<'success' | 'failure' | 'timeout'>('success', 'success', 'failure', 'timeout'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      milliseconds: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 50, max: 2_000 })),
    }),
  },
);

describe('adaptive limits under any sequence of samples', () => {
  afterEach(() => vi.useRealTimers());

  it('each algorithm keeps a finite estimate within [minLimit, maxLimit]', () => {
    fc.assert(
      fc.property(
        algorithmArbitrary,
        boundsArbitrary,
        fc.array(
          fc.record({
            runTime: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 10_000, noNaN: true })),
            timedOut: fc.boolean(),
            saturated: fc.boolean(),
            gap: fc.double({ min: 0, max: 1_000, noNaN: true }),
          }),
          { maxLength: 300 },
        ),
        (name, bounds, samples) => {
          const algorithm = createAlgorithm(name, bounds);
          let admittedAt = 0;
          for (const sample of samples) {
            admittedAt += sample.gap;
            const estimate = algorithm.update({ ...sample, admittedAt });
            expect(Number.isFinite(estimate)).toBe(true);
            expect(estimate).toBeGreaterThanOrEqual(bounds.minLimit);
            expect(estimate).toBeLessThanOrEqual(bounds.maxLimit);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('on a real bulkhead: the limit stays in bounds and is maxConcurrent, permits are conserved, a shrink cancels nothing', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        algorithmArbitrary,
        boundsArbitrary,
        fc.array(operationArbitrary, { minLength: 1, maxLength: 80 }),
        async (name, bounds, operations) => {
          useFakeClock();
          try {
            const bulkhead = new SemaphoreBulkhead('property', { maxConcurrent: 1, maxQueue: 0 });
            const options = { algorithm: name, ...bounds } as AdaptiveLimitOptions;
            if (name === 'aimd') Object.assign(options, { latencyThreshold: 100 });
            const controller = adaptiveLimit(bulkhead, options);
            const changes: AdaptiveLimitChange[] = [];
            controller.on('change', (change) => changes.push(change));
            const held: Permit[] = [];
            let granted = 0;
            let released = 0;
            let current = controller.current;
            expect(current).toBe(bounds.initialLimit);
            for (const operation of operations) {
              const activeBefore = bulkhead.activeCount;
              if (operation.kind === 'acquire') {
                const permit = bulkhead.tryAcquire();
                // Admitted exactly when below the limit (no queue).
                expect(permit !== undefined).toBe(activeBefore < bulkhead.maxConcurrent);
                if (permit !== undefined) {
                  held.push(permit);
                  granted++;
                }
              } else if (operation.kind === 'release') {
                if (held.length === 0) continue;
                const [permit] = held.splice(operation.pick % held.length, 1);
                permit!.release(operation.outcome);
                released++;
              } else {
                await vi.advanceTimersByTimeAsync(operation.milliseconds);
              }
              const state = bulkhead.getState();
              expect(controller.current).toBeGreaterThanOrEqual(bounds.minLimit);
              expect(controller.current).toBeLessThanOrEqual(bounds.maxLimit);
              expect(state.maxConcurrent).toBe(controller.current);
              // Permits are conserved; resizing never took one away.
              expect(state.activeCount).toBe(granted - released);
              expect(held.every((permit) => !permit.released)).toBe(true);
              // Above the limit only after a shrink, and then only going down.
              if (state.activeCount > state.maxConcurrent) {
                expect(state.activeCount).toBeLessThanOrEqual(Math.max(activeBefore, state.maxConcurrent));
              }
              // Every change is counted, announced once, and chains from the previous limit.
              for (const change of changes.splice(0)) {
                expect(change.previous).toBe(current);
                expect(change.limit).not.toBe(change.previous);
                current = change.limit;
              }
              expect(controller.current).toBe(current);
            }
            expect(controller.changeCount).toBeGreaterThanOrEqual(0);
            controller.stop();
            for (const permit of held) permit.release();
            expect(bulkhead.getState().activeCount).toBe(0);
            expect(vi.getTimerCount()).toBe(0);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
