import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BulkheadClosedError, BulkheadFullError, SemaphoreBulkhead } from './index.js';
import {
  type Deferred,
  deferred,
  flush,
  type Tracked,
  track,
  useFakeClock,
} from './test-support/async-helpers.js';

// Model-based test: random sequences of operations run against a real SemaphoreBulkhead (fake timers)
// and against a plain model; after every step the two must agree and the invariants must hold.

type SignalKind = 'none' | 'live' | 'aborted';

/** How a call uses its permit: `acquire` holds a Permit, `executeThrow` runs a throwing fn, `executeHold` runs until released. */
type CallKind = 'acquire' | 'executeThrow' | 'executeHold';

type Operation =
  | { kind: 'acquire'; timeout: number | undefined; signal: SignalKind }
  | { kind: 'tryAcquire' }
  | { kind: 'release'; pick: number }
  | { kind: 'advance'; milliseconds: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'resize'; limit: number }
  | { kind: 'executeThrow'; timeout: number | undefined; asynchronous: boolean }
  | { kind: 'executeHold'; timeout: number | undefined };

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
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
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
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('executeHold' as const), timeout: timeoutArbitrary }),
  },
);

type Expected =
  | { status: 'pending' }
  | { status: 'fulfilled' }
  | { status: 'rejected'; reason: 'queue_full' | 'queue_timeout' | 'shutdown' }
  | { status: 'rejected'; error: unknown };

interface ModelWaiter {
  readonly id: number;
  readonly kind: CallKind;
  readonly deadline: number;
}

/** The specification: a counter, a FIFO list and the rules of the issue, nothing else. */
class Model {
  active = 0;
  rejected = 0;
  readonly queue: ModelWaiter[] = [];
  readonly grants: number[] = [];
  readonly expected = new Map<number, Expected>();
  readonly holders = new Map<number, CallKind>();
  readonly businessErrors = new Map<number, Error>();

  constructor(
    public limit: number,
    readonly maxQueue: number,
  ) {}

  /** Mirrors acquire/execute: immediate grant, immediate rejection, or a place in the queue. */
  arrive(id: number, kind: CallKind, timeout: number | undefined, now: number): void {
    if (this.active < this.limit && this.queue.length === 0) {
      this.grant(id, kind);
    } else if (timeout === undefined || timeout === 0 || this.queue.length >= this.maxQueue) {
      this.reject(id, { status: 'rejected', reason: 'queue_full' });
    } else {
      this.queue.push({ id, kind, deadline: now + timeout });
      this.expected.set(id, { status: 'pending' });
    }
  }

  grant(id: number, kind: CallKind): void {
    this.grants.push(id);
    if (kind === 'executeThrow') {
      // fn throws at once: the permit comes straight back.
      this.expected.set(id, { status: 'rejected', error: this.businessErrors.get(id) });
      this.admit();
      return;
    }
    this.active++;
    this.holders.set(id, kind);
    this.expected.set(id, { status: kind === 'acquire' ? 'fulfilled' : 'pending' });
  }

  reject(id: number, expected: Expected): void {
    this.rejected++;
    this.expected.set(id, expected);
  }

  admit(): void {
    while (this.active < this.limit) {
      const head = this.queue.shift();
      if (head === undefined) return;
      this.grant(head.id, head.kind);
    }
  }

  release(id: number): void {
    const kind = this.holders.get(id);
    if (kind === undefined) return;
    this.holders.delete(id);
    if (kind === 'executeHold') this.expected.set(id, { status: 'fulfilled' });
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

/** Something the test can give back: a Permit, or the barrier a running execute waits on. */
interface Holder {
  release(): void;
  readonly released: boolean;
}

/** The real side: the bulkhead plus what the test observed of it. */
class System {
  readonly calls = new Map<number, Tracked<unknown>>();
  readonly holders = new Map<number, Holder>();
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

  /** Records a grant (a permit obtained, or fn started inside execute). */
  recordGrant(id: number): void {
    this.grants.push(id);
    this.granted++;
  }

  /** A holder that resolves `barrier` on release; `execute` gives the permit back itself. */
  holdUntilReleased(id: number, barrier: Deferred<string>): void {
    let released = false;
    this.holders.set(id, {
      release: () => {
        released = true;
        barrier.resolve(`result ${id}`);
      },
      get released() {
        return released;
      },
    });
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

function timeoutOption(timeout: number | undefined): { timeout?: number } {
  return timeout === undefined ? {} : { timeout };
}

async function runScenario(
  initialLimit: number,
  maxQueue: number,
  withListeners: boolean,
  operations: readonly Operation[],
): Promise<void> {
  const bulkhead = new SemaphoreBulkhead('model', { maxConcurrent: initialLimit, maxQueue });
  const model = new Model(initialLimit, maxQueue);
  const system = new System(bulkhead);
  if (withListeners) {
    const events = { permitted: 0, finished: 0, rejected: 0 };
    system.events = events;
    bulkhead.on('permitted', () => events.permitted++);
    bulkhead.on('finished', () => events.finished++);
    bulkhead.on('rejected', () => events.rejected++);
  }
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
        const options = { ...timeoutOption(operation.timeout), ...(signal === undefined ? {} : { signal }) };
        system.observeQueueing(id, () => {
          const promise = bulkhead.acquire(options).then((permit) => {
            system.recordGrant(id);
            system.holders.set(id, permit);
            return permit;
          });
          system.calls.set(id, track(promise));
        });
        if (operation.signal === 'aborted') {
          model.reject(id, { status: 'rejected', error: system.abortReasons.get(id) });
        } else {
          model.arrive(id, 'acquire', operation.timeout, now);
        }
        break;
      }
      case 'tryAcquire': {
        const id = nextId++;
        const permit = bulkhead.tryAcquire();
        if (model.active < model.limit && model.queue.length === 0) {
          expect(permit).toBeDefined();
          system.recordGrant(id);
          system.holders.set(id, permit!);
          system.calls.set(id, track(Promise.resolve(permit)));
          model.grant(id, 'acquire');
        } else {
          expect(permit).toBeUndefined();
          model.rejected++;
        }
        break;
      }
      case 'release': {
        const ids = [...system.holders.keys()];
        if (ids.length === 0) break;
        const id = ids[operation.pick % ids.length]!;
        const holder = system.holders.get(id)!;
        // A permit is given back by the test; an execute gives its own back when fn settles (counted there).
        if (!holder.released && model.holders.get(id) === 'acquire') system.released++;
        holder.release();
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
          const promise = bulkhead.execute(() => {
            system.recordGrant(id);
            if (operation.asynchronous) return Promise.reject(businessError);
            throw businessError;
          }, timeoutOption(operation.timeout));
          system.calls.set(id, track(promise));
          promise.catch((error: unknown) => {
            if (error === businessError) system.released++;
          });
        });
        model.arrive(id, 'executeThrow', operation.timeout, now);
        break;
      }
      case 'executeHold': {
        const id = nextId++;
        const barrier = deferred<string>();
        system.observeQueueing(id, () => {
          const promise = bulkhead.execute(() => {
            system.recordGrant(id);
            system.holdUntilReleased(id, barrier);
            return barrier.promise;
          }, timeoutOption(operation.timeout));
          system.calls.set(id, track(promise));
          promise.then(
            (value) => {
              expect(value).toBe(`result ${id}`);
              system.released++;
            },
            () => undefined,
          );
        });
        model.arrive(id, 'executeHold', operation.timeout, now);
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
  for (const [id, holder] of system.holders) {
    if (!holder.released && model.holders.get(id) === 'acquire') system.released++;
    holder.release();
    model.release(id);
  }
  await flush();
  checkAgreement(model, system, bulkhead.activeCount, shrunk);
  expect(closing.status).toBe('fulfilled');
  expect([...system.calls.values()].filter((call) => call.status === 'pending')).toEqual([]);
  expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, closed: true });
  expect(system.granted).toBe(system.released);
  expect(vi.getTimerCount()).toBe(0);
}

describe('SemaphoreBulkhead model', () => {
  afterEach(() => vi.useRealTimers());

  // Generous timeout: hundreds of random runs must also pass on a loaded 2-core machine.
  it('agrees with the model after every step of random operation sequences', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 4 })),
        fc.boolean(),
        fc.array(operationArbitrary, { minLength: 1, maxLength: 60 }),
        async (limit, maxQueue, withListeners, operations) => {
          useFakeClock();
          try {
            await runScenario(limit, maxQueue, withListeners, operations);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
