import { expect } from 'vitest';
import {
  BulkheadClosedError,
  BulkheadFullError,
  type CallPriority,
  type SemaphoreBulkhead,
} from '../index.js';
import type { Deferred, Tracked } from './async-helpers.js';
import type { Model } from './semaphore-model.js';
import type { CallKind, SignalKind } from './semaphore-operations.js';

/** Something the test can give back: a Permit, or the barrier a running execute waits on. */
export interface Holder {
  release(): void;
  readonly released: boolean;
}

/** The real side: the bulkhead plus what the test observed of it. */
export class System {
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

/** Checks the bulkhead against the model and the invariants (after every step). */
export function checkAgreement(model: Model, system: System, previousActive: number, shrunk: boolean): void {
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
  // One FIFO level: waiters are admitted in arrival order (ids grow with arrival).
  if (model.queueOrder === 'fifo' && model.singleLevel) {
    const queuedGrants = system.grants.filter((id) => system.queuedIds.has(id));
    expect(queuedGrants).toEqual([...queuedGrants].sort((left, right) => left - right));
  }
  // Admission order (priorities, queue order, starvation rule, shedding) is exactly the model's.
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
export function callOptions(
  system: System,
  id: number,
  timeout: number | undefined,
  signalKind: SignalKind,
  priority?: CallPriority,
): { timeout?: number; signal?: AbortSignal; priority?: CallPriority } {
  const options: { timeout?: number; signal?: AbortSignal; priority?: CallPriority } =
    timeout === undefined ? {} : { timeout };
  if (priority !== undefined) options.priority = priority;
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
export function arrive(
  model: Model,
  system: System,
  id: number,
  kind: CallKind,
  operation: { timeout: number | undefined; signal: SignalKind; priority?: CallPriority },
  now: number,
): void {
  if (operation.signal === 'aborted')
    model.reject(id, { status: 'rejected', error: system.abortReasons.get(id) });
  else model.arrive(id, kind, operation.timeout, now, operation.priority);
}
