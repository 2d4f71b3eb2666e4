import { expect, vi } from 'vitest';
import { type QueueFullPolicy, type QueueOrder, SemaphoreBulkhead } from '../index.js';
import { deferred, flush, track } from './async-helpers.js';
import { Model } from './semaphore-model.js';
import type { Operation } from './semaphore-operations.js';
import { arrive, callOptions, checkAgreement, System } from './semaphore-system.js';

// Model-based testing of SemaphoreBulkhead: random sequences of operations run against a real bulkhead (fake
// timers) and against a plain model; after every step the two must agree and the invariants must hold.

/** How the bulkhead under test is configured. */
export interface ScenarioOptions {
  readonly limit: number;
  readonly maxQueue: number;
  readonly queueOrder?: QueueOrder;
  readonly onQueueFull?: QueueFullPolicy;
  /** Listen to every event from the start, so each grant, release and rejection is counted as one. */
  readonly withListeners: boolean;
}

/**
 * Runs `operations` against a real `SemaphoreBulkhead` (fake timers) and the model, checks after every step
 * that they agree and the invariants hold, then closes and checks that every promise settled and every
 * permit came back. Call with the fake clock installed.
 */
export async function runScenario(
  scenario: ScenarioOptions,
  operations: readonly Operation[],
): Promise<void> {
  const { limit: initialLimit, maxQueue, withListeners } = scenario;
  const queueOrder = scenario.queueOrder ?? 'fifo';
  const onQueueFull = scenario.onQueueFull ?? 'reject-new';
  const bulkhead = new SemaphoreBulkhead('model', {
    maxConcurrent: initialLimit,
    maxQueue,
    queueOrder,
    onQueueFull,
  });
  const model = new Model(initialLimit, maxQueue, queueOrder, onQueueFull);
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
        const options = callOptions(system, id, operation.timeout, operation.signal, operation.priority);
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
          model.arrive(id, 'acquire', operation.timeout, now, operation.priority);
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
            callOptions(system, id, operation.timeout, operation.signal, operation.priority),
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
            callOptions(system, id, operation.timeout, operation.signal, operation.priority),
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
