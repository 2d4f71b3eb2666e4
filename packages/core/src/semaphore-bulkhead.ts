import { AdmissionLedger } from './admission-ledger.js';
import type {
  AcquireOptions,
  ClosableBulkhead,
  ExecuteOptions,
  ExecutionContext,
  ProtectedFunction,
  ResizableBulkhead,
  SynchronousBulkhead,
} from './bulkhead.js';
import { BulkheadEventEmitter, type BulkheadEventListener, type BulkheadEventName } from './events.js';
import { now } from './internal/clock.js';
import { Admission, Refusal, settlementOf, type Task, Waiter } from './internal/semaphore-waiter.js';
import {
  validateBoolean,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from './internal/validate.js';
import type { Permit } from './permit.js';
import { PermitBase } from './permit-base.js';
import { CallContext, callProtected, protectFunction } from './protected-call.js';
import { type BulkheadState, createBulkheadState } from './state.js';
import type { CallOutcome } from './vocabulary.js';
import { WaitList } from './waiting/wait-list.js';

/** Options of `SemaphoreBulkhead`. */
export interface SemaphoreBulkheadOptions {
  /** Calls admitted at once; integer >= 1, default 10. */
  maxConcurrent?: number;
  /** Bound on waiters; integer >= 0 or `Infinity` (default). */
  maxQueue?: number;
  /** Whether rejection errors capture a stack trace (default false: rejections stay cheap under overload). */
  captureStackTrace?: boolean;
}

/**
 * The snapshot of a `SemaphoreBulkhead`. It runs no timeouts of its own (its `timeout` is a wait budget: a
 * wait that runs out is a `queue_timeout` rejection), so it reports no `timedOutCount`; a permit released
 * with outcome `timeout` counts in `failedCalls`, and the policy that timed it out reports its own count.
 */
export interface SemaphoreBulkheadState
  extends Omit<BulkheadState, 'type' | 'queueCapacity' | 'poolSize' | 'orphanedCount' | 'timedOutCount'> {
  readonly type: 'semaphore';
}

const OPTION_KEYS = ['maxConcurrent', 'maxQueue', 'captureStackTrace'] as const;
const ACQUIRE_OPTION_KEYS = ['timeout', 'signal'] as const;

let releaseSlot: (
  bulkhead: SemaphoreBulkhead,
  admittedAt: number,
  waitTime: number,
  outcome: CallOutcome,
) => void;

class SemaphorePermit extends PermitBase {
  readonly #bulkhead: SemaphoreBulkhead;
  readonly #admittedAt: number;
  readonly #waitTime: number;

  constructor(bulkhead: SemaphoreBulkhead, admittedAt: number, waitTime: number) {
    super(bulkhead.name);
    this.#bulkhead = bulkhead;
    this.#admittedAt = admittedAt;
    this.#waitTime = waitTime;
  }

  protected onRelease(outcome: CallOutcome): void {
    releaseSlot(this.#bulkhead, this.#admittedAt, this.#waitTime, outcome);
  }
}

/**
 * A named compartment that admits at most `maxConcurrent` calls at once, queues up to `maxQueue`
 * waiters in FIFO order and rejects the rest at once. All operations are O(1).
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
  /** The options object whose keys were checked last (see `#admit`). */
  #checkedOptions: object | undefined = undefined;
  readonly #waiters: WaitList<Waiter>;
  readonly #events = new BulkheadEventEmitter();

  static {
    releaseSlot = (bulkhead, admittedAt, waitTime, outcome) =>
      bulkhead.#release(admittedAt, waitTime, outcome);
  }

  constructor(name: string, options: SemaphoreBulkheadOptions = {}) {
    this.name = validateName('name', name);
    validateOptionsObject('options', options);
    validateKnownKeys(options, OPTION_KEYS);
    this.#limit =
      options.maxConcurrent === undefined ? 10 : validateInteger('maxConcurrent', options.maxConcurrent, 1);
    this.#maxQueue =
      options.maxQueue === undefined
        ? Number.POSITIVE_INFINITY
        : validateIntegerOrInfinity('maxQueue', options.maxQueue, 0);
    const captureStackTrace =
      options.captureStackTrace === undefined
        ? false
        : validateBoolean('captureStackTrace', options.captureStackTrace);
    this.#ledger = new AdmissionLedger({ subject: this, events: this.#events, captureStackTrace });
    this.#waiters = new WaitList<Waiter>({
      onExpired: (waiter) => waiter.refuse(this.#ledger.full('queue_timeout', this.#waitTimeOf(waiter))),
      onAborted: (waiter) => waiter.refuse(this.#ledger.aborted(waiter.signal!, this.#waitTimeOf(waiter))),
    });
  }

  /** Current limit of concurrent calls. */
  get maxConcurrent(): number {
    return this.#limit;
  }

  /** Bound on waiters (`Infinity` when unbounded). */
  get maxQueue(): number {
    return this.#maxQueue;
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
   * Resolves to a permit. Without `timeout` (or with 0) the verdict is immediate; with one the call
   * waits in FIFO order up to `timeout` ms (`Infinity`: no timer).
   * @throws {BulkheadFullError} (rejection) when full (`queue_full`) or the wait timed out (`queue_timeout`).
   * @throws {BulkheadClosedError} (rejection) after `close()`; the signal's reason when aborted;
   * {TypeError | RangeError} (rejection) for invalid or unknown options.
   */
  acquire(options?: AcquireOptions): Promise<Permit> {
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
  execute<T>(fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T> {
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
    options?: ExecuteOptions,
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
      // Every waiter leaves the queue before the first is settled (and its `rejected` event sent).
      for (const waiter of this.#waiters.detachAll()) {
        waiter.refuse(this.#ledger.closed(this.#waitTimeOf(waiter)));
      }
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
  #admit(options: AcquireOptions | undefined, task: Task | undefined): Promise<unknown> {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      try {
        validateOptionsObject('options', options);
        // Callers usually pass one options object again and again (policies, decorators, wrap()): its keys are
        // checked when it is first seen, so the check costs nothing on the calls after.
        if (options !== this.#checkedOptions) {
          validateKnownKeys(options, ACQUIRE_OPTION_KEYS);
          this.#checkedOptions = options;
        }
        if (options.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
        if (options.signal !== undefined) signal = validateSignal('signal', options.signal);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (signal?.aborted) return Promise.reject(this.#ledger.aborted(signal, 0));
    if (this.#closed) return Promise.reject(this.#ledger.closed(0));
    if (this.#active < this.#limit && this.#waiters.size === 0) {
      if (task === undefined) return Promise.resolve(this.#grant(0));
      return this.#start(task, new CallContext(signal), 0);
    }
    return this.#enqueue(timeout, signal, task);
  }

  /**
   * Takes a slot and runs `task`; the slot is released when the task settles, always in a later
   * microtask (a synchronous throw included), so admissions never recurse through `#release`.
   */
  #start<T>(task: ProtectedFunction<T>, context: ExecutionContext, waitTime: number): Promise<T> {
    this.#active++;
    this.#ledger.permitted(waitTime);
    if (this.#events.listeningFinished) return this.#runObserved(task, context, now(), waitTime);
    // `callProtected`, inlined: on the uncontended path the extra call costs more than the rest of the bulkhead.
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

  readonly #releaseAfterSuccess = (value: unknown): unknown => {
    this.#release(-1, 0, 'success');
    return value;
  };

  readonly #releaseAfterFailure = (error: unknown): never => {
    this.#release(-1, 0, 'failure');
    throw error;
  };

  /** The path taken while somebody listens to `finished`: it needs the admission time and outcome. */
  async #runObserved<T>(
    task: ProtectedFunction<T>,
    context: ExecutionContext,
    admittedAt: number,
    waitTime: number,
  ): Promise<T> {
    let outcome: CallOutcome = 'failure';
    try {
      const value = await callProtected(task, context);
      outcome = 'success';
      return value;
    } finally {
      this.#release(admittedAt, waitTime, outcome);
    }
  }

  /** Runs the task of an admitted `execute()` waiter (a reaction registered when it was queued). */
  readonly #runAdmitted = (admitted: Waiter | Admission | Refusal): Promise<unknown> => {
    if (admitted instanceof Refusal) throw admitted.error;
    if (admitted instanceof Admission) {
      const { waiter } = admitted;
      return this.#runObserved(
        waiter.task!,
        new CallContext(waiter.signal),
        admitted.admittedAt,
        admitted.waitTime,
      );
    }
    // `callProtected`, inlined as on the uncontended path.
    let result: unknown;
    try {
      result = admitted.task!(new CallContext(admitted.signal));
    } catch (error) {
      result = Promise.reject(error);
    }
    return Promise.resolve(result).then(this.#releaseAfterSuccess, this.#releaseAfterFailure);
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
  ): Promise<unknown> {
    if (timeout === undefined || timeout === 0 || this.#waiters.size >= this.#maxQueue) {
      return Promise.reject(this.#ledger.full('queue_full', 0));
    }
    const start = timeout !== Number.POSITIVE_INFINITY || this.#events.listening ? now() : -1;
    const waiter = new Waiter(signal, start, task);
    const promise = settlementOf(waiter);
    this.#waiters.enqueue(waiter, timeout);
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
   * Hands free permits to the head waiters directly (FIFO, no thundering herd). Each waiter is settled
   * before its `permitted` event, and a re-entrant call (a listener that releases or resizes) returns at
   * once: this loop admits the next waiter, so start order stays FIFO and the limit holds.
   */
  #admitWaiters(): void {
    if (this.#admitting) return;
    this.#admitting = true;
    try {
      while (!this.#closed && this.#active < this.#limit) {
        const waiter = this.#waiters.dequeue();
        if (waiter === undefined) break;
        const waitTime = this.#waitTimeOf(waiter);
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

  #waitTimeOf(waiter: Waiter): number {
    return waiter.enqueuedAt >= 0 && this.#events.listening ? now() - waiter.enqueuedAt : 0;
  }
}
