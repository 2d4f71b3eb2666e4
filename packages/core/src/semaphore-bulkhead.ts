import { AdmissionLedger } from './admission-ledger.js';
import type {
  ClosableBulkhead,
  ExecutionContext,
  ProtectedFunction,
  ResizableBulkhead,
  SynchronousBulkhead,
} from './bulkhead.js';
import { BulkheadEventEmitter, type BulkheadEventListener, type BulkheadEventName } from './events.js';
import { CallOptionReader } from './internal/call-option-reader.js';
import { now } from './internal/clock.js';
import { installSemaphoreRelease, SemaphorePermit } from './internal/semaphore-permit.js';
import { runObserved, runReleasing, type SlotRelease } from './internal/semaphore-run.js';
import { SemaphoreWaitList } from './internal/semaphore-wait-list.js';
import { Admission, Refusal, type Task, type Waiter } from './internal/semaphore-waiter.js';
import { validateInteger, validateName } from './internal/validate.js';
import type { Permit } from './permit.js';
import { CallContext, protectFunction } from './protected-call.js';
import {
  resolveSemaphoreOptions,
  SEMAPHORE_CALL_OPTION_KEYS,
  type SemaphoreBulkheadOptions,
  type SemaphoreCallOptions,
  type SemaphoreExecuteOptions,
} from './semaphore-bulkhead-options.js';
import type { SemaphoreBulkheadState } from './semaphore-bulkhead-state.js';
import { createBulkheadState } from './state.js';
import type { CallOutcome } from './vocabulary.js';
import type { QueueFullPolicy, QueueOrder } from './waiting/queue-policy.js';

/**
 * A named compartment that admits at most `maxConcurrent` calls at once, queues up to `maxQueue` waiters
 * (higher `priority` first, `queueOrder` within a level, every `STARVATION_INTERVAL`-th admission to the
 * oldest waiter) and rejects the rest at once, or sheds the oldest waiter (`onQueueFull`). All operations are O(1).
 * @throws {TypeError | RangeError} at construction when an option is invalid or unknown (the message names it).
 */
export class SemaphoreBulkhead implements ResizableBulkhead, ClosableBulkhead, SynchronousBulkhead {
  readonly name: string;
  readonly type = 'semaphore' as const;
  #limit: number;
  readonly #maxQueue: number;
  readonly #ledger: AdmissionLedger;
  #active = 0;
  #closed = false;
  /** True while `#admitWaiters` runs: a re-entrant call (from a listener) leaves the work to the running loop. */
  #admitting = false;
  #idleWaiters: Array<() => void> = [];
  /** Checks per-call options (the object checked last is not walked again: callers reuse one). */
  readonly #callOptions = new CallOptionReader(SEMAPHORE_CALL_OPTION_KEYS);
  readonly #waiters: SemaphoreWaitList;
  readonly #events = new BulkheadEventEmitter();

  static {
    installSemaphoreRelease((bulkhead, admittedAt, waitTime, outcome) =>
      bulkhead.#release(admittedAt, waitTime, outcome),
    );
  }

  constructor(name: string, options: SemaphoreBulkheadOptions = {}) {
    this.name = validateName('name', name);
    const resolved = resolveSemaphoreOptions(options);
    this.#limit = resolved.maxConcurrent;
    this.#maxQueue = resolved.maxQueue;
    this.#ledger = new AdmissionLedger({
      subject: this,
      events: this.#events,
      captureStackTrace: resolved.captureStackTrace,
    });
    this.#waiters = new SemaphoreWaitList({ ...resolved, ledger: this.#ledger, events: this.#events });
  }

  /** Current limit of concurrent calls. */
  get maxConcurrent(): number {
    return this.#limit;
  }

  /** Bound on waiters (`Infinity` when unbounded). */
  get maxQueue(): number {
    return this.#maxQueue;
  }

  /** Order of waiters within a priority level (`fifo` or `lifo`). */
  get queueOrder(): QueueOrder {
    return this.#waiters.queueOrder;
  }

  /** What a new waiter past a full queue does: `reject-new` or `drop-oldest`. */
  get onQueueFull(): QueueFullPolicy {
    return this.#waiters.onQueueFull;
  }

  /** Calls holding a permit now. */
  get activeCount(): number {
    return this.#active;
  }

  /** Calls waiting in the queue now. */
  get waitingCount(): number {
    return this.#waiters.size;
  }

  /**
   * Resolves to a permit. Without `timeout` (or with 0) the verdict is immediate; with one the call waits
   * up to `timeout` ms (`Infinity`: no timer), in the order of its `priority` and the `queueOrder`.
   * @throws {BulkheadFullError} (rejection) when full (`queue_full`), the wait timed out (`queue_timeout`)
   * or a newer waiter shed it (`dropped`, with `onQueueFull: 'drop-oldest'`).
   * @throws {BulkheadClosedError} (rejection) after `close()`; the signal's reason when aborted;
   * {TypeError | RangeError} (rejection) for invalid or unknown options.
   */
  acquire(options?: SemaphoreCallOptions): Promise<Permit> {
    return this.#admit(options, undefined) as Promise<Permit>;
  }

  /** Synchronous verdict: a permit if one is free (and nobody waits), else `undefined` (counted as a rejection). */
  tryAcquire(): Permit | undefined {
    if (!this.#closed && this.#active < this.#limit && this.#waiters.size === 0) return this.#grant(0);
    this.#ledger.rejected(this.#closed ? 'shutdown' : 'queue_full', 0);
    return undefined;
  }

  /**
   * Runs `fn({ signal })` inside a permit and always releases it, whatever `fn` does. `signal` is the
   * caller's, or the call's own (never shared with another call).
   * @throws the same rejections as `acquire()`; errors of `fn` propagate unchanged.
   */
  execute<T>(fn: ProtectedFunction<T>, options?: SemaphoreExecuteOptions): Promise<T> {
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`fn must be a function, got ${typeof fn}`));
    }
    // Fast path (no options, a free permit, nobody waiting): no Permit object, no option checks.
    if (options === undefined && this.#active < this.#limit && this.#waiters.size === 0 && !this.#closed) {
      return this.#start(fn, new CallContext(), 0);
    }
    return this.#admit(options, fn as Task) as Promise<T>;
  }

  /**
   * Returns `fn` protected by this bulkhead (each call goes through `execute`; `this` is passed through).
   * @throws {TypeError} when `fn` is not a function.
   */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: SemaphoreExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    return protectFunction(this, fn, options);
  }

  /**
   * Changes the limit in place. Growing admits waiters at once; shrinking never blocks or cancels
   * in-flight work: new admissions wait until `activeCount` < the new limit.
   * @throws {TypeError | RangeError} unless `maxConcurrent` is an integer >= 1.
   */
  resize(maxConcurrent: number): void {
    this.#limit = validateInteger('maxConcurrent', maxConcurrent, 1);
    this.#admitWaiters();
  }

  /**
   * Stops admitting: every queued call and every later call rejects with `BulkheadClosedError`
   * (reason `shutdown`); no queued call starts, whatever a listener does meanwhile. Resolves once
   * in-flight calls have released their permits. Idempotent.
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#waiters.refuseAll();
    }
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A frozen snapshot of the compartment. */
  getState(): SemaphoreBulkheadState {
    return createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: this.#limit,
      activeCount: this.#active,
      waitingCount: this.#waiters.size,
      maxQueue: this.#maxQueue,
      ...this.#ledger.stateCounts(),
      closed: this.#closed,
    }) as SemaphoreBulkheadState;
  }

  /**
   * Subscribes to `permitted`, `rejected` or `finished`; returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#events.on(event, listener);
  }

  /** Validates options, then admits at once, rejects, or queues (`task` undefined: an `acquire()`). */
  #admit(options: SemaphoreCallOptions | undefined, task: Task | undefined): Promise<unknown> {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    let level = 1;
    if (options !== undefined) {
      const reader = this.#callOptions;
      try {
        reader.checkKeys(options);
        reader.read(options);
      } catch (error) {
        return Promise.reject(error);
      }
      // Copied out before anything can call back into the bulkhead (the reader holds one call's options).
      timeout = reader.timeout;
      signal = reader.signal;
      level = reader.level;
    }
    if (signal?.aborted) return Promise.reject(this.#ledger.aborted(signal, 0));
    if (this.#closed) return Promise.reject(this.#ledger.closed(0));
    if (this.#active < this.#limit && this.#waiters.size === 0) {
      if (task === undefined) return Promise.resolve(this.#grant(0));
      return this.#start(task, new CallContext(signal), 0);
    }
    return this.#enqueue(timeout, signal, task, level);
  }

  /** Takes a slot and runs `task`; the slot is released when the task settles (see `runReleasing`). */
  #start<T>(task: ProtectedFunction<T>, context: ExecutionContext, waitTime: number): Promise<T> {
    this.#active++;
    this.#ledger.permitted(waitTime);
    if (this.#events.listeningFinished) return runObserved(task, context, now(), waitTime, this.#releaseSlot);
    // `runReleasing`, inlined: on the uncontended path an extra call costs more than the rest of the bulkhead.
    let result: T | PromiseLike<T>;
    try {
      result = task(context);
    } catch (error) {
      result = Promise.reject(error);
    }
    return Promise.resolve(result).then(
      this.#releaseAfterSuccess as (value: T) => T,
      this.#releaseAfterFailure,
    );
  }

  readonly #releaseSlot: SlotRelease = (admittedAt, waitTime, outcome) =>
    this.#release(admittedAt, waitTime, outcome);

  readonly #releaseAfterSuccess = (value: unknown): unknown => {
    this.#release(-1, 0, 'success');
    return value;
  };

  readonly #releaseAfterFailure = (error: unknown): never => {
    this.#release(-1, 0, 'failure');
    throw error;
  };

  /** Runs the task of an admitted `execute()` waiter (a reaction registered when it was queued). */
  readonly #runAdmitted = (admitted: Waiter | Admission | Refusal): Promise<unknown> => {
    if (admitted instanceof Refusal) throw admitted.error;
    if (admitted instanceof Admission) {
      const { waiter, admittedAt, waitTime } = admitted;
      return runObserved(
        waiter.task!,
        new CallContext(waiter.signal),
        admittedAt,
        waitTime,
        this.#releaseSlot,
      );
    }
    const context = new CallContext(admitted.signal);
    return runReleasing(admitted.task!, context, this.#releaseAfterSuccess, this.#releaseAfterFailure);
  };

  #grant(waitTime: number): Permit {
    this.#active++;
    const admittedAt = this.#events.listeningFinished ? now() : -1;
    this.#ledger.permitted(waitTime);
    return new SemaphorePermit(this, admittedAt, waitTime);
  }

  #enqueue(
    timeout: number | undefined,
    signal: AbortSignal | undefined,
    task: Task | undefined,
    level: number,
  ): Promise<unknown> {
    const promise =
      timeout === undefined || timeout === 0 ? undefined : this.#waiters.wait(timeout, signal, task, level);
    if (promise === undefined) return Promise.reject(this.#ledger.full('queue_full', 0));
    // Registered now, in the caller's async context, so the task later runs in that context too.
    return task === undefined
      ? promise
      : promise.then(this.#runAdmitted as (value: unknown) => Promise<unknown>);
  }

  #release(admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    this.#active--;
    this.#ledger.finished(outcome, admittedAt, waitTime);
    if (this.#waiters.size > 0) this.#admitWaiters();
    else if (this.#active === 0 && this.#idleWaiters.length > 0) {
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  /**
   * Hands free permits to the next waiters directly (queue order, no thundering herd). Each waiter is settled
   * before its `permitted` event, and a re-entrant call (a listener that releases or resizes) returns at
   * once: this loop admits the next waiter, so start order stays the queue order and the limit holds.
   */
  #admitWaiters(): void {
    if (this.#admitting) return;
    this.#admitting = true;
    try {
      while (!this.#closed && this.#active < this.#limit) {
        const waiter = this.#waiters.shift();
        if (waiter === undefined) break;
        const waitTime = this.#waiters.waitTimeOf(waiter);
        this.#active++;
        if (waiter.task === undefined) {
          const admittedAt = this.#events.listeningFinished ? now() : -1;
          waiter.resolve(new SemaphorePermit(this, admittedAt, waitTime));
        } else if (this.#events.listeningFinished) {
          waiter.resolve(new Admission(waiter, now(), waitTime));
        } else {
          waiter.resolve(waiter);
        }
        this.#ledger.permitted(waitTime);
      }
    } finally {
      this.#admitting = false;
    }
  }
}
