import fc from 'fast-check';
import { afterEach, describe, it, vi } from 'vitest';
import { useFakeClock } from './test-support/async-helpers.js';
import {
  fractionalTimeoutArbitrary,
  type Operation,
  operationArbitrary,
  priorityArbitrary,
  type SignalKind,
} from './test-support/semaphore-operations.js';
import { runScenario } from './test-support/semaphore-scenario.js';
import { QUEUE_FULL_POLICIES, QUEUE_ORDERS } from './waiting/queue-policy.js';

// Model-based test (see test-support/semaphore-model.ts) with priorities, both queue orders and both
// queue-full policies: after every step, active <= limit, permits are conserved, the admission order is the
// model's (priority, order, starvation rule) and a full drop-oldest queue sheds exactly the model's oldest
// waiter; at the end every promise has settled.

/** Calls that wait (a timeout > 0) with every priority, few releases: the queue fills and levels mix. */
const waitingTimeoutArbitrary = fc.oneof(
  fc.constant(Number.POSITIVE_INFINITY),
  fc.integer({ min: 1, max: 40 }),
  fractionalTimeoutArbitrary,
);
const liveSignalArbitrary = fc.constantFrom<SignalKind>('none', 'none', 'live');
const queueingOperationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      timeout: waitingTimeoutArbitrary,
      signal: liveSignalArbitrary,
      priority: priorityArbitrary,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('executeHold' as const),
      timeout: waitingTimeoutArbitrary,
      signal: liveSignalArbitrary,
      priority: priorityArbitrary,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      milliseconds: fc.integer({ min: 1, max: 10 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('resize' as const), limit: fc.integer({ min: 1, max: 3 }) }),
  },
);

describe('SemaphoreBulkhead model with priorities, queue order and shedding', () => {
  afterEach(() => vi.useRealTimers());

  // Generous timeout: hundreds of random runs must also pass on a loaded 2-core machine.
  it('agrees with the model after every step of random operation sequences', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 4 })),
        fc.constantFrom(...QUEUE_ORDERS),
        fc.constantFrom(...QUEUE_FULL_POLICIES),
        fc.boolean(),
        fc.array(operationArbitrary(true), { minLength: 1, maxLength: 60 }),
        async (limit, maxQueue, queueOrder, onQueueFull, withListeners, operations) => {
          useFakeClock();
          try {
            await runScenario({ limit, maxQueue, queueOrder, onQueueFull, withListeners }, operations);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the model while the queue is mostly full and levels mix', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(...QUEUE_ORDERS),
        fc.constantFrom(...QUEUE_FULL_POLICIES),
        fc.boolean(),
        fc.array(queueingOperationArbitrary, { minLength: 10, maxLength: 60 }),
        async (limit, maxQueue, queueOrder, onQueueFull, withListeners, operations) => {
          useFakeClock();
          try {
            await runScenario({ limit, maxQueue, queueOrder, onQueueFull, withListeners }, operations);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
