import fc from 'fast-check';
import { afterEach, describe, it, vi } from 'vitest';
import { useFakeClock } from './test-support/async-helpers.js';
import { deadlineOperationArbitrary, operationArbitrary } from './test-support/semaphore-operations.js';
import { runScenario } from './test-support/semaphore-scenario.js';

// Model-based test (see test-support/semaphore-model.ts): FIFO queue, every call at priority normal.

describe('SemaphoreBulkhead model', () => {
  afterEach(() => vi.useRealTimers());

  it('agrees with the model when many waiters wait with distinct fractional timeouts', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        fc.array(deadlineOperationArbitrary, { minLength: 20, maxLength: 80 }),
        async (limit, withListeners, operations) => {
          useFakeClock();
          try {
            await runScenario({ limit, maxQueue: Number.POSITIVE_INFINITY, withListeners }, operations);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  // Generous timeout: hundreds of random runs must also pass on a loaded 2-core machine.
  it('agrees with the model after every step of random operation sequences', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 4 })),
        fc.boolean(),
        fc.array(operationArbitrary(false), { minLength: 1, maxLength: 60 }),
        async (limit, maxQueue, withListeners, operations) => {
          useFakeClock();
          try {
            await runScenario({ limit, maxQueue, withListeners }, operations);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
