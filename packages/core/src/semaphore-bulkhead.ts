import { AdmissionLedger } from './admission-ledger.js';
import type {
  AcquireOptions,
  CallOutcome,
  ClosableBulkhead,
  ExecuteOptions,
  ExecutionContext,
  ProtectedFunction,
  ResizableBulkhead,
  SynchronousBulkhead,
} from './bulkhead.js';
import { BulkheadEventEmitter, type BulkheadEventListener, type BulkheadEventName } from './events.js';
import { now } from './internal/clock.js';
import { type DeadlineList, type DeadlineNode, DeadlineScheduler } from './internal/deadline-scheduler.js';
import {
  validateBoolean,
  validateInteger,
  validateIntegerOrInfinity,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from './internal/validate.js';
import { type QueueNode, WaiterQueue } from './internal/waiter-queue.js';
import type { Permit } from './permit.js';
import { type BulkheadState, createBulkheadState } from './state.js';

/** Options of `SemaphoreBulkhead`. */
export interface SemaphoreBulkheadOptions {
  /** Calls admitted at once; integer >= 1, default 10. */
  maxConcurrent?: number;
  /** Bound on waiters; integer >= 0 or `Infinity` (default). */
  maxQueue?: number;
  /** Whether rejection errors capture a stack trace (default false: rejections stay cheap under overload). */
  captureStackTrace?: boolean;
}

const NEVER_ABORTED_CONTEXT: ExecutionContext = Object.freeze({ signal: new AbortController().signal });

type Task = ProtectedFunction<unknown>;

/**
 * A queued call. An `acquire()` waiter is resolved with a Permit; an `execute()` waiter carries its
 * task and is resolved with itself, which starts the task through one reaction registered in the
 * caller's async context (no Permit, no per-waiter closure, AsyncLocalStorage and traces preserved).
 * It is its own abort listener (`handleEvent`), so waiting with a signal allocates no closure.
 */
class Waiter implements QueueNode, DeadlineNode {
  previous: QueueNode | undefined = undefined;
  next: QueueNode | undefined = undefined;
  queued = false;
  deadline = 0;
  deadlinePrevious: DeadlineNode | undefined = undefined;
  deadlineNext: DeadlineNode | undefined = undefined;
  deadlineList: DeadlineList | undefined = undefined;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  listensToAbort = false;
  /** Set at admission of an `execute()` waiter, read when its task starts. */
  admittedAt = -1;
  waitTime = 0;
  constructor(
    readonly owner: SemaphoreBulkhead,
    readonly enqueuedAt: number,
    readonly signal: AbortSignal | undefined,
    readonly task: Task | undefined,
  ) {}

  handleEvent(): void {
    abortWaiter(this.owner, this);
  }
}

let abortWaiter: (bulkhead: SemaphoreBulkhead, waiter: Waiter) => void;

let releaseSlot: (
  bulkhead: SemaphoreBulkhead,
  admittedAt: number,
  waitTime: number,
  outcome: CallOutcome,
) => void;

class SemaphorePermit implements Permit {
  readonly #bulkhead: SemaphoreBulkhead;
  readonly #admittedAt: number;
  readonly #waitTime: number;
  #released = false;

  constructor(bulkhead: SemaphoreBulkhead, admittedAt: number, waitTime: number) {
    this.#bulkhead = bulkhead;
    this.#admittedAt = admittedAt;
    this.#waitTime = waitTime;
  }

  /** Stays the granting bulkhead's name after release. */
  get bulkheadName(): string {
    return this.#bulkhead.name;
  }

  get released(): boolean {
    return this.#released;
  }

  release(outcome: CallOutcome = 'success'): void {
    if (this.#released) return;
    this.#released = true;
    releaseSlot(this.#bulkhead, this.#admittedAt, this.#waitTime, outcome);
  }

  [Symbol.dispose](): void {
    this.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}

/**
 * A named compartment that admits at most `maxConcurrent` calls at once, queues up to `maxQueue`
 * waiters in FIFO order and rejects the rest at once. All operations are O(1).
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class SemaphoreBulkhead implements ResizableBulkhead, ClosableBulkhead, SynchronousBulkhead {
  readonly name: string;
  readonly type = 'semaphore' as const;
  #limit: number;
  readonly #maxQueue: number;
  readonly #ledger: AdmissionLedger;
  #active = 0;
  #closed = false;
  #idleWaiters: Array<() => void> = [];
  readonly #queue = new WaiterQueue<Waiter>();
  readonly #events = new BulkheadEventEmitter();
  #scheduler: DeadlineScheduler | undefined = undefined;

  static {
    abortWaiter = (bulkhead, waiter) => bulkhead.#abort(waiter);
    releaseSlot = (bulkhead, admittedAt, waitTime, outcome) =>
      bulkhead.#release(admittedAt, waitTime, outcome);
  }

  constructor(name: string, options: SemaphoreBulkheadOptions = {}) {
    this.name = validateName('name', name);
    validateOptionsObject('options', options);
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
    return this.#queue.size;
  }

  /**
   * Resolves to a permit. Without `timeout` (or with 0) the verdict is immediate; with one the call
   * waits in FIFO order up to `timeout` ms (`Infinity`: no timer).
   * @throws {BulkheadFullError} (rejection) when full (`queue_full`) or the wait timed out (`queue_timeout`).
   * @throws {BulkheadClosedError} (rejection) after `close()`; the signal's reason when aborted.
   */
  acquire(options?: AcquireOptions): Promise<Permit> {
    return this.#admit(options, undefined) as Promise<Permit>;
  }

  /** Synchronous verdict: a permit if one is free (and nobody waits), else `undefined` (counted as a rejection). */
  tryAcquire(): Permit | undefined {
    if (!this.#closed && this.#active < this.#limit && this.#queue.size === 0) return this.#grant(0);
    this.#ledger.rejected(this.#closed ? 'shutdown' : 'queue_full', 0);
    return undefined;
  }

  /**
   * Runs `fn({ signal })` inside a permit and always releases it, whatever `fn` does.
   * @throws the same rejections as `acquire()`; errors of `fn` propagate unchanged.
   */
  execute<T>(fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T> {
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`fn must be a function, got ${typeof fn}`));
    }
    // Fast path (no options, a free permit, nobody waiting): no Permit object, no option checks.
    if (options === undefined && this.#active < this.#limit && this.#queue.size === 0 && !this.#closed) {
      return this.#start(fn, NEVER_ABORTED_CONTEXT, 0);
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
    if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${typeof fn}`);
    const bulkhead = this;
    return function protectedCall(this: unknown, ...args: Arguments): Promise<T> {
      return bulkhead.execute(() => fn.apply(this, args), options);
    };
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
   * (reason `shutdown`). Resolves once in-flight calls have released their permits. Idempotent.
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (let waiter = this.#queue.shift(); waiter !== undefined; waiter = this.#queue.shift()) {
        this.#detach(waiter);
        waiter.reject(this.#ledger.closed(this.#waitTimeOf(waiter)));
      }
      this.#scheduler?.clear();
    }
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A frozen snapshot of the compartment. */
  getState(): BulkheadState {
    return createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: this.#limit,
      activeCount: this.#active,
      waitingCount: this.#queue.size,
      maxQueue: this.#maxQueue,
      rejectedCount: this.#ledger.rejectedCount,
      admittedCount: this.#ledger.admittedCount,
      successfulCalls: this.#ledger.successfulCount,
      failedCalls: this.#ledger.failedCount,
      lastRejectionTime: this.#ledger.lastRejectionTime,
      closed: this.#closed,
    });
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
        if (options.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
        if (options.signal !== undefined) signal = validateSignal('signal', options.signal);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (signal?.aborted) return Promise.reject(this.#ledger.aborted(signal, 0));
    if (this.#closed) return Promise.reject(this.#ledger.closed(0));
    if (this.#active < this.#limit && this.#queue.size === 0) {
      if (task === undefined) return Promise.resolve(this.#grant(0));
      return this.#start(task, signal === undefined ? NEVER_ABORTED_CONTEXT : { signal }, 0);
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
    let result: T | PromiseLike<T>;
    try {
      result = task(context);
    } catch (error) {
      result = Promise.reject(error);
    }
    try {
      const value = await result;
      outcome = 'success';
      return value;
    } finally {
      this.#release(admittedAt, waitTime, outcome);
    }
  }

  /** Admits a queued `execute()` call: takes the slot now; its task starts in the caller's context. */
  #startQueued(waiter: Waiter, waitTime: number): void {
    this.#active++;
    this.#ledger.permitted(waitTime);
    waiter.admittedAt = this.#events.listeningFinished ? now() : -1;
    waiter.waitTime = waitTime;
    waiter.resolve(waiter);
  }

  /** Runs the task of an admitted `execute()` waiter (a reaction registered when it was queued). */
  readonly #runAdmitted = (waiter: Waiter): Promise<unknown> => {
    const task = waiter.task!;
    const context = waiter.signal === undefined ? NEVER_ABORTED_CONTEXT : { signal: waiter.signal };
    if (waiter.admittedAt >= 0) return this.#runObserved(task, context, waiter.admittedAt, waiter.waitTime);
    let result: unknown;
    try {
      result = task(context);
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
    if (timeout === undefined || timeout === 0 || this.#queue.size >= this.#maxQueue) {
      return Promise.reject(this.#ledger.full('queue_full', 0));
    }
    const finite = timeout !== Number.POSITIVE_INFINITY;
    const start = finite || this.#events.listening ? now() : -1;
    const waiter = new Waiter(this, start, signal, task);
    const promise = new Promise<unknown>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.#queue.push(waiter);
    if (finite) {
      this.#scheduler ??= new DeadlineScheduler((node) => this.#expire(node as Waiter));
      this.#scheduler.add(waiter, timeout, start);
    }
    if (signal !== undefined) {
      waiter.listensToAbort = true;
      signal.addEventListener('abort', waiter, { once: true });
    }
    // Registered now, in the caller's async context, so the task later runs in that context too.
    return task === undefined
      ? promise
      : promise.then(this.#runAdmitted as (value: unknown) => Promise<unknown>);
  }

  #abort(waiter: Waiter): void {
    if (!waiter.queued || waiter.signal === undefined) return;
    this.#queue.remove(waiter);
    this.#detach(waiter);
    waiter.reject(this.#ledger.aborted(waiter.signal, this.#waitTimeOf(waiter)));
  }

  #expire(waiter: Waiter): void {
    if (!waiter.queued) return;
    this.#queue.remove(waiter);
    this.#detach(waiter);
    waiter.reject(this.#ledger.full('queue_timeout', this.#waitTimeOf(waiter)));
  }

  /** Drops the waiter's timer entry and abort listener. */
  #detach(waiter: Waiter): void {
    if (waiter.deadlineList !== undefined) this.#scheduler?.remove(waiter);
    if (waiter.listensToAbort) {
      waiter.listensToAbort = false;
      waiter.signal?.removeEventListener('abort', waiter);
    }
  }

  #release(admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    this.#active--;
    this.#ledger.finished(outcome, admittedAt, waitTime);
    if (this.#queue.size > 0) this.#admitWaiters();
    else if (this.#active === 0 && this.#idleWaiters.length > 0) {
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Hands free permits to the head waiters directly (FIFO, no thundering herd). */
  #admitWaiters(): void {
    while (this.#active < this.#limit) {
      const waiter = this.#queue.shift();
      if (waiter === undefined) break;
      this.#detach(waiter);
      const waitTime = this.#waitTimeOf(waiter);
      if (waiter.task === undefined) waiter.resolve(this.#grant(waitTime));
      else this.#startQueued(waiter, waitTime);
    }
  }

  #waitTimeOf(waiter: Waiter): number {
    return waiter.enqueuedAt >= 0 && this.#events.listening ? now() - waiter.enqueuedAt : 0;
  }
}
