import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BulkheadEventName, type Permit, SemaphoreBulkhead } from './index.js';
import { deferred, flush, type Tracked, track, useFakeClock } from './test-support/async-helpers.js';

// Invariants under re-entrant listeners: listeners that release, resize, acquire and close from inside
// `permitted`, `rejected` and `finished`. No model can say in advance what such a listener does to the
// queue, so this property checks what must hold whatever they do: FIFO start order of queued calls, the
// limit at every admission, no admission after close(), permits conserved, every promise settled, no timer left.

type Action =
  | { kind: 'release'; pick: number }
  | { kind: 'resize'; limit: number }
  | { kind: 'acquire'; timeout: number }
  | { kind: 'close' };

type Operation =
  | { kind: 'acquire'; timeout: number; live: boolean }
  | { kind: 'executeHold'; timeout: number; live: boolean }
  | { kind: 'release'; pick: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'advance'; milliseconds: number }
  | { kind: 'resize'; limit: number }
  | { kind: 'close' }
  | { kind: 'arm'; event: BulkheadEventName; action: Action };

const timeoutArbitrary = fc.oneof(
  fc.constant(0),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.integer({ min: 1, max: 30 }),
  fc.double({ min: 0.01, max: 30, noNaN: true }),
);

const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('resize' as const), limit: fc.integer({ min: 1, max: 5 }) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('acquire' as const), timeout: timeoutArbitrary }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const) }) },
);

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      timeout: timeoutArbitrary,
      live: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('executeHold' as const),
      timeout: timeoutArbitrary,
      live: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      milliseconds: fc.integer({ min: 1, max: 20 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('resize' as const), limit: fc.integer({ min: 1, max: 5 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('arm' as const),
      event: fc.constantFrom<BulkheadEventName>('permitted', 'rejected', 'finished'),
      action: actionArbitrary,
    }),
  },
);

interface Holder {
  release(): void;
  readonly released: boolean;
}

class Harness {
  readonly calls: Array<Tracked<unknown>> = [];
  readonly holders = new Map<number, Holder>();
  readonly controllers: AbortController[] = [];
  /** Ids of calls that had to wait (decided by the admission rule just before the call). */
  readonly queued = new Set<number>();
  readonly grants: number[] = [];
  readonly violations: string[] = [];
  readonly armed: Record<BulkheadEventName, Action[]> = { permitted: [], rejected: [], finished: [] };
  granted = 0;
  released = 0;
  #nextId = 0;

  constructor(readonly bulkhead: SemaphoreBulkhead) {
    for (const event of ['permitted', 'rejected', 'finished'] as const) {
      bulkhead.on(event, () => {
        if (event === 'permitted') {
          if (bulkhead.activeCount > bulkhead.maxConcurrent) {
            this.violations.push(
              `admitted over the limit: ${bulkhead.activeCount} > ${bulkhead.maxConcurrent}`,
            );
          }
          if (bulkhead.closed) this.violations.push('admitted after close()');
        }
        const action = this.armed[event].shift();
        if (action !== undefined) this.perform(action);
      });
    }
  }

  perform(action: Action): void {
    if (action.kind === 'release') this.release(action.pick);
    else if (action.kind === 'resize') this.bulkhead.resize(action.limit);
    else if (action.kind === 'acquire') this.acquire(action.timeout, false);
    else void this.close();
  }

  #mustWait(): boolean {
    const { bulkhead } = this;
    return bulkhead.closed || bulkhead.activeCount >= bulkhead.maxConcurrent || bulkhead.waitingCount > 0;
  }

  #options(timeout: number, live: boolean): { timeout: number; signal?: AbortSignal } {
    if (!live) return { timeout };
    const controller = new AbortController();
    this.controllers.push(controller);
    return { timeout, signal: controller.signal };
  }

  #grant(id: number): void {
    this.grants.push(id);
    this.granted++;
  }

  acquire(timeout: number, live: boolean): void {
    const id = this.#nextId++;
    if (this.#mustWait()) this.queued.add(id);
    const promise = this.bulkhead.acquire(this.#options(timeout, live)).then((permit: Permit) => {
      this.#grant(id);
      this.holders.set(id, permit);
      return permit;
    });
    this.calls.push(track(promise));
  }

  executeHold(timeout: number, live: boolean): void {
    const id = this.#nextId++;
    if (this.#mustWait()) this.queued.add(id);
    const barrier = deferred();
    const promise = this.bulkhead.execute(
      () => {
        this.#grant(id);
        let released = false;
        this.holders.set(id, {
          release: () => {
            released = true;
            barrier.resolve();
          },
          get released() {
            return released;
          },
        });
        return barrier.promise;
      },
      this.#options(timeout, live),
    );
    promise.then(
      () => this.released++,
      () => undefined,
    );
    this.calls.push(track(promise));
  }

  release(pick: number): void {
    const unreleased = [...this.holders].filter(([, holder]) => !holder.released);
    if (unreleased.length === 0) return;
    const [id, holder] = unreleased[pick % unreleased.length]!;
    // A Permit counts as released at once; an execute when its fn settles (counted there).
    if ('bulkheadName' in holder) this.released++;
    holder.release();
    void id;
  }

  close(): Promise<void> {
    const closing = this.bulkhead.close();
    this.calls.push(track(closing));
    return closing;
  }

  check(): void {
    expect(this.violations).toEqual([]);
    const queuedGrants = this.grants.filter((id) => this.queued.has(id));
    expect(queuedGrants).toEqual([...queuedGrants].sort((left, right) => left - right));
    expect(this.bulkhead.activeCount).toBe(this.granted - this.released);
  }
}

/** Two held permits, then `count` execute() calls waiting without a timer. */
function queueBehindHeld(count: number): Operation[] {
  return [
    { kind: 'acquire', timeout: 0, live: false },
    { kind: 'acquire', timeout: 0, live: false },
    ...Array.from(
      { length: count },
      (): Operation => ({
        kind: 'executeHold',
        timeout: Number.POSITIVE_INFINITY,
        live: false,
      }),
    ),
  ];
}

function arm(event: BulkheadEventName, action: Action): Operation {
  return { kind: 'arm', event, action };
}

async function runScenario(limit: number, operations: readonly Operation[]): Promise<void> {
  const bulkhead = new SemaphoreBulkhead('reentrant', { maxConcurrent: limit });
  const harness = new Harness(bulkhead);
  for (const operation of operations) {
    switch (operation.kind) {
      case 'acquire':
        harness.acquire(operation.timeout, operation.live);
        break;
      case 'executeHold':
        harness.executeHold(operation.timeout, operation.live);
        break;
      case 'release':
        harness.release(operation.pick);
        break;
      case 'abort': {
        const controller = harness.controllers[operation.pick % Math.max(1, harness.controllers.length)];
        controller?.abort(new Error('aborted by the test'));
        break;
      }
      case 'advance':
        vi.advanceTimersByTime(operation.milliseconds);
        break;
      case 'resize':
        bulkhead.resize(operation.limit);
        break;
      case 'close':
        void harness.close();
        break;
      case 'arm':
        harness.armed[operation.event].push(operation.action);
        break;
    }
    await flush();
    harness.check();
  }
  // Shutdown: close, give everything back; every promise settles and nothing is left behind.
  for (const event of ['permitted', 'rejected', 'finished'] as const) harness.armed[event].length = 0;
  void harness.close();
  for (let round = 0; round < 3; round++) {
    for (let index = 0; index < harness.holders.size; index++) harness.release(0);
    await flush();
  }
  harness.check();
  expect(harness.calls.filter((call) => call.status === 'pending')).toEqual([]);
  expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, closed: true });
  expect(harness.granted).toBe(harness.released);
  expect(vi.getTimerCount()).toBe(0);
}

describe('SemaphoreBulkhead under re-entrant listeners', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps FIFO start order, the limit, close() and permit conservation whatever listeners do', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(operationArbitrary, { minLength: 1, maxLength: 80 }),
        async (limit, operations) => {
          useFakeClock();
          try {
            await runScenario(limit, operations);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      {
        numRuns: 300,
        // The scenarios of issue 10, always run: a listener that grows the limit or releases during close(),
        // and a permitted listener that releases (observed start order [2, 1, 3]).
        examples: [
          [1, [...queueBehindHeld(3), arm('rejected', { kind: 'resize', limit: 4 }), { kind: 'close' }]],
          [1, [...queueBehindHeld(3), arm('rejected', { kind: 'release', pick: 0 }), { kind: 'close' }]],
          [
            2,
            [
              ...queueBehindHeld(4),
              arm('permitted', { kind: 'release', pick: 1 }),
              { kind: 'release', pick: 0 },
            ],
          ],
          [
            1,
            [
              ...queueBehindHeld(4),
              arm('permitted', { kind: 'resize', limit: 3 }),
              { kind: 'release', pick: 0 },
            ],
          ],
        ],
      },
    );
  });
});
