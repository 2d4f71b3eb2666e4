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
  | { kind: 'executeThrow'; timeout: number | undefined; asynchronous: boolean; signal: SignalKind }
  | { kind: 'executeHold'; timeout: number | undefined; signal: SignalKind }
  | { kind: 'close' };

/** Remaining-budget deadlines: a distinct fractional value for nearly every call (one deadline list each). */
const fractionalTimeoutArbitrary = fc.double({ min: 0.01, max: 40, noNaN: true });

const timeoutArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.constant(0),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.integer({ min: 1, max: 40 }),
  { weight: 2, arbitrary: fractionalTimeoutArbitrary },
);

const signalArbitrary = fc.constantFrom<SignalKind>('none', 'live', 'live', 'aborted');

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      timeout: timeoutArbitrary,
      signal: signalArbitrary,
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
      signal: signalArbitrary,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('executeHold' as const),
      timeout: timeoutArbitrary,
      signal: signalArbitrary,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const) }) },
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
  closed = false;
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
    if (this.closed) {
      this.reject(id, { status: 'rejected', reason: 'shutdown' });
    } else if (this.active < this.limit && this.queue.length === 0) {
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
    while (!this.closed && this.active < this.limit) {
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
    this.closed = true;
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
  readonly closings: Array<Tracked<void>> = [];
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

/** The options of a call; a signal (live or already aborted) is remembered so `abort` can pick it. */
function callOptions(
  system: System,
  id: number,
  timeout: number | undefined,
  signalKind: SignalKind,
): { timeout?: number; signal?: AbortSignal } {
  const options: { timeout?: number; signal?: AbortSignal } = timeout === undefined ? {} : { timeout };
  if (signalKind === 'none') return options;
  const controller = new AbortController();
  const reason = new Error(`abort ${id}`);
  system.controllers.set(id, controller);
  system.abortReasons.set(id, reason);
  if (signalKind === 'aborted') controller.abort(reason);
  options.signal = controller.signal;
  return options;
}

/** The model's side of an execute() arrival: an already-aborted signal rejects before anything else. */
function arrive(
  model: Model,
  system: System,
  id: number,
  kind: CallKind,
  operation: { timeout: number | undefined; signal: SignalKind },
  now: number,
): void {
  if (operation.signal === 'aborted')
    model.reject(id, { status: 'rejected', error: system.abortReasons.get(id) });
  else model.arrive(id, kind, operation.timeout, now);
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
        const options = callOptions(system, id, operation.timeout, operation.signal);
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
        if (!model.closed && model.active < model.limit && model.queue.length === 0) {
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
          const promise = bulkhead.execute(
            () => {
              system.recordGrant(id);
              if (operation.asynchronous) return Promise.reject(businessError);
              throw businessError;
            },
            callOptions(system, id, operation.timeout, operation.signal),
          );
          system.calls.set(id, track(promise));
          promise.catch((error: unknown) => {
            if (error === businessError) system.released++;
          });
        });
        arrive(model, system, id, 'executeThrow', operation, now);
        break;
      }
      case 'executeHold': {
        const id = nextId++;
        const barrier = deferred<string>();
        system.observeQueueing(id, () => {
          const promise = bulkhead.execute(
            () => {
              system.recordGrant(id);
              system.holdUntilReleased(id, barrier);
              return barrier.promise;
            },
            callOptions(system, id, operation.timeout, operation.signal),
          );
          system.calls.set(id, track(promise));
          promise.then(
            (value) => {
              expect(value).toBe(`result ${id}`);
              system.released++;
            },
            () => undefined,
          );
        });
        arrive(model, system, id, 'executeHold', operation, now);
        break;
      }
      case 'close': {
        system.closings.push(track(bulkhead.close()));
        model.close();
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
  expect(system.closings.every((earlier) => earlier.status === 'fulfilled')).toBe(true);
  expect([...system.calls.values()].filter((call) => call.status === 'pending')).toEqual([]);
  expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, closed: true });
  expect(system.granted).toBe(system.released);
  expect(vi.getTimerCount()).toBe(0);
}

/** Sequences that keep many waiters queued with distinct fractional timeouts, cancelled and admitted at random. */
const deadlineOperationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      timeout: fractionalTimeoutArbitrary,
      signal: fc.constantFrom<SignalKind>('none', 'live'),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('executeHold' as const),
      timeout: fractionalTimeoutArbitrary,
      signal: fc.constantFrom<SignalKind>('none', 'live'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      milliseconds: fc.integer({ min: 1, max: 8 }),
    }),
  },
);

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
            await runScenario(limit, Number.POSITIVE_INFINITY, withListeners, operations);
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
