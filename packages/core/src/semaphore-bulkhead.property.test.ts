import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BulkheadClosedError, BulkheadFullError, type Permit, SemaphoreBulkhead } from './index.js';
import { flush, type Tracked, track, useFakeClock } from './test-support/async-helpers.js';

// Model-based test: random sequences of operations run against a real SemaphoreBulkhead (fake timers)
// and against a plain model; after every step the two must agree and the invariants must hold.

type SignalKind = 'none' | 'live' | 'aborted';

type Operation =
  | { kind: 'acquire'; timeout: number | undefined; signal: SignalKind }
  | { kind: 'tryAcquire' }
  | { kind: 'release'; pick: number }
  | { kind: 'advance'; milliseconds: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'resize'; limit: number }
  | { kind: 'executeThrow'; timeout: number | undefined; asynchronous: boolean };

const timeoutArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.constant(0),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.integer({ min: 1, max: 40 }),
);

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      timeout: timeoutArbitrary,
      signal: fc.constantFrom<SignalKind>('none', 'live', 'live', 'aborted'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tryAcquire' as const) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      milliseconds: fc.integer({ min: 1, max: 30 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('resize' as const), limit: fc.integer({ min: 1, max: 5 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('executeThrow' as const),
      timeout: timeoutArbitrary,
      asynchronous: fc.boolean(),
    }),
  },
);

type Expected =
  | { status: 'pending' }
  | { status: 'fulfilled' }
  | { status: 'rejected'; reason: 'queue_full' | 'queue_timeout' | 'shutdown' }
  | { status: 'rejected'; error: unknown };

interface ModelWaiter {
  readonly id: number;
  readonly execute: boolean;
  readonly deadline: number;
}

/** The specification: a counter, a FIFO list and the rules of the issue, nothing else. */
class Model {
  active = 0;
  rejected = 0;
  readonly queue: ModelWaiter[] = [];
  readonly grants: number[] = [];
  readonly expected = new Map<number, Expected>();
  readonly heldPermits = new Set<number>();
  readonly businessErrors = new Map<number, Error>();

  constructor(
    public limit: number,
    readonly maxQueue: number,
  ) {}

  /** Mirrors acquire/execute: immediate grant, immediate rejection, or a place in the queue. */
  arrive(
    id: number,
    execute: boolean,
    timeout: number | undefined,
    now: number,
  ): 'granted' | 'queued' | 'rejected' {
    if (this.active < this.limit && this.queue.length === 0) {
      this.grant(id, execute);
      return 'granted';
    }
    if (timeout === undefined || timeout === 0 || this.queue.length >= this.maxQueue) {
      this.reject(id, { status: 'rejected', reason: 'queue_full' });
      return 'rejected';
    }
    this.queue.push({ id, execute, deadline: now + timeout });
    this.expected.set(id, { status: 'pending' });
    return 'queued';
  }

  /** An execute call runs `fn`, which throws: the permit comes straight back. */
  grant(id: number, execute: boolean): void {
    this.grants.push(id);
    if (execute) {
      this.expected.set(id, { status: 'rejected', error: this.businessErrors.get(id) });
      this.admit();
    } else {
      this.active++;
      this.heldPermits.add(id);
      this.expected.set(id, { status: 'fulfilled' });
    }
  }

  reject(id: number, expected: Expected): void {
    this.rejected++;
    this.expected.set(id, expected);
  }

  admit(): void {
    while (this.active < this.limit) {
      const head = this.queue.shift();
      if (head === undefined) return;
      this.grant(head.id, head.execute);
    }
  }

  release(id: number): void {
    if (!this.heldPermits.delete(id)) return;
    this.active--;
    this.admit();
  }

  expire(now: number): void {
    for (let index = 0; index < this.queue.length; ) {
      const waiter = this.queue[index]!;
      if (waiter.deadline <= now) {
        this.queue.splice(index, 1);
        this.reject(waiter.id, { status: 'rejected', reason: 'queue_timeout' });
      } else index++;
    }
  }

  abort(id: number, reason: unknown): void {
    const index = this.queue.findIndex((waiter) => waiter.id === id);
    if (index === -1) return;
    this.queue.splice(index, 1);
    this.reject(id, { status: 'rejected', error: reason });
  }

  close(): void {
    for (const waiter of this.queue.splice(0))
      this.reject(waiter.id, { status: 'rejected', reason: 'shutdown' });
  }
}

/** The real side: the bulkhead plus what the test observed of it. */
class System {
  readonly calls = new Map<number, Tracked<unknown>>();
  readonly permits = new Map<number, Permit>();
  readonly controllers = new Map<number, AbortController>();
  readonly abortReasons = new Map<number, Error>();
  readonly grants: number[] = [];
  readonly queuedIds = new Set<number>();
  granted = 0;
  released = 0;
  events: { permitted: number; finished: number; rejected: number } | undefined = undefined;

  constructor(readonly bulkhead: SemaphoreBulkhead) {}

  /** Runs `start`, noting whether the call went into the queue. */
  observeQueueing(id: number, start: () => void): void {
    const before = this.bulkhead.waitingCount;
    start();
    if (this.bulkhead.waitingCount === before + 1) this.queuedIds.add(id);
  }
}

function checkAgreement(model: Model, system: System, previousActive: number, shrunk: boolean): void {
  const { bulkhead } = system;
  const state = bulkhead.getState();
  // With listeners from the start, every grant, release and rejection is one event.
  if (system.events !== undefined) {
    expect(system.events).toEqual({
      permitted: system.granted,
      finished: system.released,
      rejected: model.rejected,
    });
  }
  // State counters match the model.
  expect(state).toMatchObject({
    maxConcurrent: model.limit,
    activeCount: model.active,
    waitingCount: model.queue.length,
    rejectedCount: model.rejected,
    availablePermits: Math.max(0, model.limit - model.active),
    utilizationPercent: Math.min(100, (model.active / model.limit) * 100),
  });
  // active <= limit, except after a shrink, where it only goes down.
  if (state.activeCount > state.maxConcurrent) {
    expect(shrunk).toBe(true);
    expect(state.activeCount).toBeLessThanOrEqual(previousActive);
  }
  // Permits are conserved.
  expect(state.activeCount).toBe(system.granted - system.released);
  // Waiters are admitted in FIFO order (ids grow with arrival), exactly as the model says.
  const queuedGrants = system.grants.filter((id) => system.queuedIds.has(id));
  expect(queuedGrants).toEqual([...queuedGrants].sort((left, right) => left - right));
  expect(system.grants).toEqual(model.grants);
  // Every call is in the state the model expects.
  for (const [id, expected] of model.expected) {
    const actual = system.calls.get(id)!;
    expect({ id, status: actual.status }).toEqual({ id, status: expected.status });
    if ('reason' in expected) {
      const ErrorClass = expected.reason === 'shutdown' ? BulkheadClosedError : BulkheadFullError;
      expect(actual.error).toBeInstanceOf(ErrorClass);
      expect(actual.error).toMatchObject({ reason: expected.reason });
    } else if ('error' in expected) {
      expect(actual.error).toBe(expected.error);
    }
  }
}

async function runScenario(
  initialLimit: number,
  maxQueue: number,
  operations: readonly Operation[],
): Promise<void> {
  const bulkhead = new SemaphoreBulkhead('model', { maxConcurrent: initialLimit, maxQueue });
  const model = new Model(initialLimit, maxQueue);
  const system = new System(bulkhead);
  let nextId = 0;
  let shrunk = false;

  for (const operation of operations) {
    const previousActive = bulkhead.activeCount;
    const now = performance.now();
    switch (operation.kind) {
      case 'acquire': {
        const id = nextId++;
        let signal: AbortSignal | undefined;
        if (operation.signal !== 'none') {
          const controller = new AbortController();
          const reason = new Error(`abort ${id}`);
          system.controllers.set(id, controller);
          system.abortReasons.set(id, reason);
          if (operation.signal === 'aborted') controller.abort(reason);
          signal = controller.signal;
        }
        const options = {
          ...(operation.timeout === undefined ? {} : { timeout: operation.timeout }),
          ...(signal === undefined ? {} : { signal }),
        };
        system.observeQueueing(id, () => {
          const promise = bulkhead.acquire(options).then((permit) => {
            system.grants.push(id);
            system.granted++;
            system.permits.set(id, permit);
            return permit;
          });
          system.calls.set(id, track(promise));
        });
        if (operation.signal === 'aborted')
          model.reject(id, { status: 'rejected', error: system.abortReasons.get(id) });
        else model.arrive(id, false, operation.timeout, now);
        break;
      }
      case 'tryAcquire': {
        const id = nextId++;
        const permit = bulkhead.tryAcquire();
        if (model.active < model.limit && model.queue.length === 0) {
          expect(permit).toBeDefined();
          system.grants.push(id);
          system.granted++;
          system.permits.set(id, permit!);
          system.calls.set(id, track(Promise.resolve(permit)));
          model.grant(id, false);
        } else {
          expect(permit).toBeUndefined();
          model.rejected++;
        }
        break;
      }
      case 'release': {
        const ids = [...system.permits.keys()];
        if (ids.length === 0) break;
        const id = ids[operation.pick % ids.length]!;
        const permit = system.permits.get(id)!;
        if (!permit.released) system.released++;
        permit.release();
        model.release(id);
        break;
      }
      case 'advance': {
        vi.advanceTimersByTime(operation.milliseconds);
        model.expire(performance.now());
        break;
      }
      case 'abort': {
        const ids = [...system.controllers.keys()];
        if (ids.length === 0) break;
        const id = ids[operation.pick % ids.length]!;
        const controller = system.controllers.get(id)!;
        if (!controller.signal.aborted) {
          controller.abort(system.abortReasons.get(id));
          model.abort(id, system.abortReasons.get(id));
        }
        break;
      }
      case 'resize': {
        if (operation.limit < model.limit) shrunk = true;
        bulkhead.resize(operation.limit);
        model.limit = operation.limit;
        model.admit();
        break;
      }
      case 'executeThrow': {
        const id = nextId++;
        const businessError = new Error(`business ${id}`);
        model.businessErrors.set(id, businessError);
        system.observeQueueing(id, () => {
          const promise = bulkhead.execute(
            () => {
              system.grants.push(id);
              system.granted++;
              if (operation.asynchronous) return Promise.reject(businessError);
              throw businessError;
            },
            operation.timeout === undefined ? {} : { timeout: operation.timeout },
          );
          const tracked = track(promise);
          promise.catch((error: unknown) => {
            if (error === businessError) system.released++;
          });
          system.calls.set(id, tracked);
        });
        model.arrive(id, true, operation.timeout, now);
        break;
      }
    }
    await flush();
    if (bulkhead.activeCount <= bulkhead.maxConcurrent) shrunk = false;
    checkAgreement(model, system, previousActive, shrunk);
  }

  // Shutdown: every promise settles, every permit comes back, no timer is left.
  const closing = track(bulkhead.close());
  model.close();
  await flush();
  checkAgreement(model, system, bulkhead.activeCount, shrunk);
  for (const [id, permit] of system.permits) {
    if (!permit.released) system.released++;
    permit.release();
    model.release(id);
  }
  await flush();
  expect(closing.status).toBe('fulfilled');
  expect([...system.calls.values()].filter((call) => call.status === 'pending')).toEqual([]);
  expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, closed: true });
  expect(system.granted).toBe(system.released);
  expect(vi.getTimerCount()).toBe(0);
}

describe('SemaphoreBulkhead model', () => {
  afterEach(() => vi.useRealTimers());

  it('agrees with the model after every step of random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 4 })),
        fc.array(operationArbitrary, { minLength: 1, maxLength: 60 }),
        async (limit, maxQueue, operations) => {
          useFakeClock();
          try {
            await runScenario(limit, maxQueue, operations);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
