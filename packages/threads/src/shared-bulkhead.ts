import { isMainThread, threadId, type Worker } from 'node:worker_threads';
import {
  type AcquireOptions,
  BulkheadClosedError,
  BulkheadError,
  BulkheadEventEmitter,
  type BulkheadEventListener,
  type BulkheadEventName,
  BulkheadFullError,
  type BulkheadState,
  type CallOutcome,
  type ClosableBulkhead,
  createBulkheadState,
  type ExecuteOptions,
  type ExecutionContext,
  type Permit,
  type ProtectedFunction,
  type RejectionReason,
} from '@x/bulkhead-core';
import { now } from './internal/clock.js';
import { JobQueue, type JobQueueNode } from './internal/job-queue.js';
import {
  ACTIVE,
  byteLengthFor,
  CLOSED,
  HOLDER_CAPACITY,
  holderIndex,
  LAST_REJECTION_BIGINT_INDEX,
  LAYOUT_VERSION,
  LIMIT,
  REJECTED,
  SIGNAL,
  VERSION,
  WAITING,
} from './internal/shared-layout.js';
import {
  describe,
  validateBoolean,
  validateInteger,
  validateIntegerOrInfinity,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from './internal/validate.js';

/** Options of `SharedBulkhead`. */
export interface SharedBulkheadOptions extends SharedBulkheadLocalOptions {
  /** Permits shared by every thread; integer >= 1, default 10. */
  maxConcurrent?: number;
  /** Threads that may hold permits over the bulkhead's life (holder slots); integer >= 1, default 256. */
  maxThreads?: number;
}

/** Per-thread options, given to the constructor or to `SharedBulkhead.from()` in each thread. */
export interface SharedBulkheadLocalOptions {
  /** Bound on this thread's async waiters; integer >= 0 or `Infinity` (default). */
  maxQueue?: number;
  /** Whether rejection errors capture a stack trace (default false). */
  captureStackTrace?: boolean;
}

/** Options of `acquireSync()`. */
export interface AcquireSyncOptions {
  /** Ms to block this worker thread waiting for a permit. Omitted: immediate verdict; `Infinity`: no limit. */
  timeout?: number;
}

/** Structured-cloneable handle of a `SharedBulkhead`; post it to a worker and call `SharedBulkhead.from(handle)` there. */
export interface SharedBulkheadHandle {
  readonly kind: 'x.bulkhead.shared';
  readonly version: number;
  readonly name: string;
  readonly buffer: SharedArrayBuffer;
}

const TAKEN = 0;
const FULL = 1;
const SHUT = 2;
type TakeResult = typeof TAKEN | typeof FULL | typeof SHUT;

const NEVER_ABORTED_CONTEXT: ExecutionContext = Object.freeze({ signal: new AbortController().signal });
const OWNER = threadId + 1;
const KEEP_ALIVE_INTERVAL = 2 ** 30;

function keepAlive(): void {
  // Never fires in practice; the interval only keeps the event loop alive.
}

type WaitAsync = (
  view: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

class Waiter implements JobQueueNode {
  previous: JobQueueNode | undefined = undefined;
  next: JobQueueNode | undefined = undefined;
  queued = false;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  resolve!: (permit: Permit) => void;
  reject!: (error: unknown) => void;
  constructor(
    readonly enqueuedAt: number,
    readonly signal: AbortSignal | undefined,
  ) {}
}

let releaseShared: (
  bulkhead: SharedBulkhead,
  slot: number,
  admittedAt: number,
  waitTime: number,
  outcome: CallOutcome,
) => void;

class SharedPermit implements Permit {
  #bulkhead: SharedBulkhead | undefined;
  readonly bulkheadName: string;
  readonly #slot: number;
  readonly #admittedAt: number;
  readonly #waitTime: number;

  constructor(bulkhead: SharedBulkhead, slot: number, admittedAt: number, waitTime: number) {
    this.#bulkhead = bulkhead;
    this.bulkheadName = bulkhead.name;
    this.#slot = slot;
    this.#admittedAt = admittedAt;
    this.#waitTime = waitTime;
  }

  get released(): boolean {
    return this.#bulkhead === undefined;
  }

  release(outcome: CallOutcome = 'success'): void {
    const bulkhead = this.#bulkhead;
    if (bulkhead === undefined) return;
    this.#bulkhead = undefined;
    releaseShared(bulkhead, this.#slot, this.#admittedAt, this.#waitTime, outcome);
  }

  [Symbol.dispose](): void {
    this.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}

let adoptedBuffer: SharedArrayBuffer | undefined;

/**
 * A bulkhead whose permits live in a `SharedArrayBuffer`, so the main thread and every worker that
 * received its handle share one limit. Async `acquire()` never blocks the event loop (it sleeps on
 * `Atomics.waitAsync`); `acquireSync()` blocks a worker thread only. FIFO holds within a thread, not
 * across threads. Permits held by a thread that dies are recovered with `reclaim()` / `watch()`.
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class SharedBulkhead implements ClosableBulkhead {
  readonly name: string;
  readonly type = 'shared' as const;
  readonly #buffer: SharedArrayBuffer;
  readonly #state: Int32Array;
  readonly #wide: BigInt64Array;
  readonly #maxQueue: number;
  readonly #captureStackTrace: boolean;
  readonly #queue = new JobQueue<Waiter>();
  readonly #events = new BulkheadEventEmitter();
  #slot = -1;
  #pumping = false;
  #keepAlive: ReturnType<typeof setInterval> | undefined = undefined;
  #keepAliveUsers = 0;

  static {
    releaseShared = (bulkhead, slot, admittedAt, waitTime, outcome) =>
      bulkhead.#release(slot, admittedAt, waitTime, outcome);
  }

  constructor(name: string, options: SharedBulkheadOptions = {}) {
    this.name = validateName('name', name);
    validateOptionsObject('options', options);
    this.#maxQueue =
      options.maxQueue === undefined
        ? Number.POSITIVE_INFINITY
        : validateIntegerOrInfinity('maxQueue', options.maxQueue, 0);
    this.#captureStackTrace =
      options.captureStackTrace === undefined
        ? false
        : validateBoolean('captureStackTrace', options.captureStackTrace);
    const adopted = adoptedBuffer;
    adoptedBuffer = undefined;
    if (adopted !== undefined) {
      this.#buffer = adopted;
      this.#state = new Int32Array(adopted);
      this.#wide = new BigInt64Array(adopted);
      return;
    }
    const maxConcurrent =
      options.maxConcurrent === undefined ? 10 : validateInteger('maxConcurrent', options.maxConcurrent, 1);
    const maxThreads =
      options.maxThreads === undefined ? 256 : validateInteger('maxThreads', options.maxThreads, 1);
    this.#buffer = new SharedArrayBuffer(byteLengthFor(maxThreads));
    this.#state = new Int32Array(this.#buffer);
    this.#wide = new BigInt64Array(this.#buffer);
    this.#state[LIMIT] = maxConcurrent;
    this.#state[HOLDER_CAPACITY] = maxThreads;
    this.#state[VERSION] = LAYOUT_VERSION;
    this.#wide[LAST_REJECTION_BIGINT_INDEX] = -1n;
  }

  /**
   * Opens, in this thread, the bulkhead a handle refers to (the same permits, not a copy).
   * @throws {TypeError} when `handle` is not a `SharedBulkheadHandle` of this version.
   */
  static from(handle: SharedBulkheadHandle, options: SharedBulkheadLocalOptions = {}): SharedBulkhead {
    const candidate = handle as Partial<SharedBulkheadHandle> | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      candidate.kind !== 'x.bulkhead.shared' ||
      typeof candidate.name !== 'string' ||
      !(candidate.buffer instanceof SharedArrayBuffer)
    ) {
      throw new TypeError(`handle must come from SharedBulkhead.toHandle(), got ${describe(handle)}`);
    }
    const buffer = candidate.buffer;
    if (candidate.version !== LAYOUT_VERSION || new Int32Array(buffer)[VERSION] !== LAYOUT_VERSION) {
      throw new TypeError(
        `handle has layout version ${String(candidate.version)}; expected ${LAYOUT_VERSION}`,
      );
    }
    validateOptionsObject('options', options);
    const { maxQueue, captureStackTrace } = options;
    adoptedBuffer = buffer;
    try {
      return new SharedBulkhead(candidate.name, {
        ...(maxQueue === undefined ? {} : { maxQueue }),
        ...(captureStackTrace === undefined ? {} : { captureStackTrace }),
      });
    } finally {
      adoptedBuffer = undefined;
    }
  }

  /** A structured-cloneable handle for `workerData` or `postMessage`; open it with `SharedBulkhead.from()`. */
  toHandle(): SharedBulkheadHandle {
    return Object.freeze({
      kind: 'x.bulkhead.shared',
      version: LAYOUT_VERSION,
      name: this.name,
      buffer: this.#buffer,
    });
  }

  /** Permits shared by all threads. */
  get maxConcurrent(): number {
    return Atomics.load(this.#state, LIMIT);
  }

  /** Permits held now, across all threads. */
  get activeCount(): number {
    return Atomics.load(this.#state, ACTIVE);
  }

  /** True once any thread closed the bulkhead. */
  get closed(): boolean {
    return Atomics.load(this.#state, CLOSED) !== 0;
  }

  /**
   * Resolves to a permit. Without `timeout` (or 0) the verdict is immediate; with one, the caller
   * waits (FIFO among this thread's waiters) without blocking the event loop.
   * @throws {BulkheadFullError} (rejection) `queue_full` or `queue_timeout`.
   * @throws {BulkheadClosedError} (rejection) once closed; the signal's reason when aborted.
   * @throws {BulkheadError} (rejection) when every holder slot is taken (see `maxThreads`).
   */
  acquire(options?: AcquireOptions): Promise<Permit> {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    try {
      validateOptionsObject('options', options);
      if (options?.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
      if (options?.signal !== undefined) signal = validateSignal('signal', options.signal);
      if (signal?.aborted) return Promise.reject(this.#rejectAborted(signal, 0));
      if (this.#queue.size === 0) {
        const taken = this.#take();
        if (taken === TAKEN) return Promise.resolve(this.#grant(0));
        if (taken === SHUT) return Promise.reject(this.#rejectClosed(0));
      } else if (this.closed) {
        return Promise.reject(this.#rejectClosed(0));
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (timeout === undefined || timeout === 0 || this.#queue.size >= this.#maxQueue) {
      return Promise.reject(this.#rejectFull('queue_full', 0));
    }
    return this.#enqueue(timeout, signal);
  }

  /**
   * Blocks this worker thread until a permit is free, up to `timeout` ms (omitted: immediate verdict).
   * @throws {BulkheadError} on the main thread (use `acquire()` there), or when every holder slot is taken.
   * @throws {BulkheadFullError} `queue_full` or `queue_timeout`; {BulkheadClosedError} once closed.
   */
  acquireSync(options?: AcquireSyncOptions): Permit {
    if (isMainThread) {
      throw new BulkheadError(
        `SharedBulkhead '${this.name}': acquireSync() blocks its thread and may only be called in a worker thread; use acquire() on the main thread`,
      );
    }
    validateOptionsObject('options', options);
    const timeout = options?.timeout === undefined ? undefined : validateTimeout('timeout', options.timeout);
    const state = this.#state;
    const start = timeout === undefined || timeout === 0 ? 0 : now();
    let waiting = false;
    try {
      for (;;) {
        const seen = Atomics.load(state, SIGNAL);
        const taken = this.#take();
        const waited = start === 0 ? 0 : now() - start;
        if (taken === TAKEN) return this.#grant(waited);
        if (taken === SHUT) throw this.#rejectClosed(waited);
        if (timeout === undefined || timeout === 0) throw this.#rejectFull('queue_full', 0);
        const remaining = timeout - waited;
        if (remaining <= 0) throw this.#rejectFull('queue_timeout', waited);
        if (!waiting) {
          waiting = true;
          Atomics.add(state, WAITING, 1);
        }
        Atomics.wait(state, SIGNAL, seen, remaining);
      }
    } finally {
      if (waiting) Atomics.sub(state, WAITING, 1);
    }
  }

  /** Synchronous verdict: a permit if one is free (and nobody in this thread waits), else `undefined`. */
  tryAcquire(): Permit | undefined {
    if (this.#queue.size === 0) {
      const taken = this.#take();
      if (taken === TAKEN) return this.#grant(0);
      this.#countRejection(taken === SHUT ? 'shutdown' : 'queue_full', 0);
      return undefined;
    }
    this.#countRejection(this.closed ? 'shutdown' : 'queue_full', 0);
    return undefined;
  }

  /**
   * Runs `fn({ signal })` inside a permit and always releases it.
   * @throws the same rejections as `acquire()`; errors of `fn` propagate unchanged.
   */
  execute<T>(fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T> {
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`fn must be a function, got ${typeof fn}`));
    }
    return this.acquire(options).then(async (permit) => {
      let outcome: CallOutcome = 'failure';
      try {
        const signal = options?.signal;
        const result = await fn(signal === undefined ? NEVER_ABORTED_CONTEXT : { signal });
        outcome = 'success';
        return result;
      } finally {
        permit.release(outcome);
      }
    });
  }

  /** Returns `fn` protected by this bulkhead (each call goes through `execute`). */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${typeof fn}`);
    return (...args: Arguments) => this.execute(() => fn(...args), options);
  }

  /**
   * Returns the permits held by thread `threadId`, which must have exited (a crashed worker):
   * they become free for everyone. Returns how many were reclaimed. Prefer `watch(worker)`.
   * @throws {TypeError | RangeError} unless `threadId` is an integer >= 0 other than this thread's.
   */
  reclaim(exitedThreadId: number): number {
    if (typeof exitedThreadId !== 'number' || !Number.isInteger(exitedThreadId) || exitedThreadId < 0) {
      throw new TypeError(`threadId must be an integer >= 0, got ${describe(exitedThreadId)}`);
    }
    if (exitedThreadId === threadId) {
      throw new RangeError(
        `threadId ${exitedThreadId} is the calling thread, which is alive; release its permits instead`,
      );
    }
    const state = this.#state;
    const owner = exitedThreadId + 1;
    const capacity = Atomics.load(state, HOLDER_CAPACITY);
    let reclaimed = 0;
    for (let slot = 0; slot < capacity; slot++) {
      const index = holderIndex(slot);
      if (Atomics.load(state, index) !== owner) continue;
      // Zero the count first: a late release by that thread then finds nothing to give back.
      reclaimed += Atomics.exchange(state, index + 1, 0);
      Atomics.store(state, index, 0);
    }
    if (reclaimed > 0) Atomics.sub(state, ACTIVE, reclaimed);
    this.#wake();
    return reclaimed;
  }

  /**
   * Reclaims the permits `worker` holds when it exits, crash or not; returns a disposer.
   * @throws {TypeError} when `worker` is not a live `Worker`.
   */
  watch(worker: Worker): () => void {
    const candidate = worker as Partial<Worker> | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      typeof candidate.once !== 'function' ||
      typeof candidate.threadId !== 'number' ||
      candidate.threadId < 0
    ) {
      throw new TypeError(`worker must be a live worker_threads Worker, got ${describe(worker)}`);
    }
    const id = candidate.threadId;
    const onExit = (): void => {
      this.reclaim(id);
    };
    worker.once('exit', onExit);
    return () => {
      worker.off('exit', onExit);
    };
  }

  /**
   * Closes the bulkhead for every thread: waiters and later calls reject with `BulkheadClosedError`.
   * Resolves once no thread holds a permit (reclaim the permits of dead threads first). Idempotent.
   */
  async close(): Promise<void> {
    const state = this.#state;
    Atomics.store(state, CLOSED, 1);
    this.#wake();
    this.#rejectWaiters();
    this.#holdEventLoop();
    try {
      for (;;) {
        const seen = Atomics.load(state, SIGNAL);
        if (Atomics.load(state, ACTIVE) <= 0) return;
        const result = waitAsync(state, SIGNAL, seen);
        if (result.async) await result.value;
      }
    } finally {
      this.#releaseEventLoop();
    }
  }

  /** A frozen snapshot; counts are shared by all threads, `maxQueue` is this thread's. */
  getState(): BulkheadState {
    const state = this.#state;
    const lastRejection = Atomics.load(this.#wide, LAST_REJECTION_BIGINT_INDEX);
    return createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: Atomics.load(state, LIMIT),
      activeCount: Atomics.load(state, ACTIVE),
      waitingCount: Atomics.load(state, WAITING),
      maxQueue: this.#maxQueue,
      rejectedCount: Atomics.load(state, REJECTED),
      lastRejectionTime: lastRejection < 0n ? null : Number(lastRejection),
      closed: Atomics.load(state, CLOSED) !== 0,
    });
  }

  /**
   * Subscribes to this thread's `permitted`, `rejected` or `finished` events; returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#events.on(event, listener);
  }

  /** Takes one permit for this thread if one is free (lock-free CAS on the shared counter). */
  #take(): TakeResult {
    const state = this.#state;
    const slot = this.#holderSlot();
    for (;;) {
      if (Atomics.load(state, CLOSED) !== 0) return SHUT;
      const active = Atomics.load(state, ACTIVE);
      if (active >= Atomics.load(state, LIMIT)) return FULL;
      if (Atomics.compareExchange(state, ACTIVE, active, active + 1) === active) break;
    }
    Atomics.add(state, slot + 1, 1);
    return TAKEN;
  }

  /** Index of this thread's holder slot, claimed on first use. */
  #holderSlot(): number {
    const state = this.#state;
    if (this.#slot >= 0 && Atomics.load(state, this.#slot) === OWNER) return this.#slot;
    const capacity = Atomics.load(state, HOLDER_CAPACITY);
    for (let slot = 0; slot < capacity; slot++) {
      const index = holderIndex(slot);
      if (Atomics.load(state, index) === OWNER) {
        this.#slot = index;
        return index;
      }
    }
    for (let slot = 0; slot < capacity; slot++) {
      const index = holderIndex(slot);
      if (Atomics.compareExchange(state, index, 0, OWNER) === 0) {
        this.#slot = index;
        return index;
      }
    }
    throw new BulkheadError(
      `SharedBulkhead '${this.name}' has no free holder slot: ${capacity} threads already hold permits; raise options.maxThreads or reclaim the permits of exited threads`,
    );
  }

  #grant(waitTime: number): Permit {
    let admittedAt = -1;
    if (this.#events.listening) {
      admittedAt = now();
      this.#events.emit('permitted', {
        bulkheadName: this.name,
        bulkheadType: this.type,
        waitTime,
        activeCount: Atomics.load(this.#state, ACTIVE),
      });
    }
    return new SharedPermit(this, this.#slot, admittedAt, waitTime);
  }

  #release(slot: number, admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    const state = this.#state;
    if (Atomics.load(state, slot) === OWNER) {
      for (;;) {
        const held = Atomics.load(state, slot + 1);
        // Zero: the permit was reclaimed (reclaim() was called for a live thread); nothing to give back.
        if (held <= 0) break;
        if (Atomics.compareExchange(state, slot + 1, held, held - 1) === held) {
          Atomics.sub(state, ACTIVE, 1);
          break;
        }
      }
    }
    if (admittedAt >= 0 && this.#events.listening) {
      this.#events.emit('finished', {
        bulkheadName: this.name,
        bulkheadType: this.type,
        outcome,
        duration: now() - admittedAt,
        waitTime,
      });
    }
    this.#wake();
  }

  #wake(): void {
    Atomics.add(this.#state, SIGNAL, 1);
    Atomics.notify(this.#state, SIGNAL);
  }

  #enqueue(timeout: number, signal: AbortSignal | undefined): Promise<Permit> {
    const waiter = new Waiter(now(), signal);
    const promise = new Promise<Permit>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.#queue.push(waiter);
    Atomics.add(this.#state, WAITING, 1);
    if (timeout !== Number.POSITIVE_INFINITY) {
      waiter.timer = setTimeout(() => {
        waiter.timer = undefined;
        if (!waiter.queued) return;
        this.#leave(waiter);
        waiter.reject(this.#rejectFull('queue_timeout', now() - waiter.enqueuedAt));
      }, timeout);
    }
    if (signal !== undefined) {
      waiter.onAbort = () => {
        waiter.onAbort = undefined;
        if (!waiter.queued) return;
        this.#leave(waiter);
        waiter.reject(this.#rejectAborted(signal, now() - waiter.enqueuedAt));
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    void this.#pump();
    return promise;
  }

  /** Removes a waiter from the local queue and drops its timer and abort listener. */
  #leave(waiter: Waiter): void {
    this.#queue.remove(waiter);
    Atomics.sub(this.#state, WAITING, 1);
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    waiter.timer = undefined;
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.onAbort = undefined;
  }

  /**
   * One loop per thread and bulkhead serves the local FIFO: hand free permits to the head waiters,
   * then sleep on `Atomics.waitAsync` until some thread releases or closes.
   */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#holdEventLoop();
    try {
      while (this.#queue.size > 0) {
        const seen = Atomics.load(this.#state, SIGNAL);
        this.#serveWaiters();
        if (this.#queue.size === 0) break;
        const result = waitAsync(this.#state, SIGNAL, seen);
        if (result.async) await result.value;
      }
    } finally {
      this.#pumping = false;
      this.#releaseEventLoop();
    }
  }

  /**
   * A pending `Atomics.waitAsync` does not keep a thread alive, yet the release it waits for comes
   * from another thread: hold the event loop open (one idle interval) while this thread waits.
   */
  #holdEventLoop(): void {
    if (this.#keepAliveUsers++ === 0) this.#keepAlive = setInterval(keepAlive, KEEP_ALIVE_INTERVAL);
  }

  #releaseEventLoop(): void {
    if (--this.#keepAliveUsers === 0) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
    }
  }

  #serveWaiters(): void {
    for (let waiter = this.#queue.peek(); waiter !== undefined; waiter = this.#queue.peek()) {
      let taken: TakeResult;
      try {
        taken = this.#take();
      } catch (error) {
        this.#leave(waiter);
        waiter.reject(error);
        continue;
      }
      if (taken === FULL) return;
      this.#leave(waiter);
      if (taken === TAKEN) {
        waiter.resolve(this.#grant(now() - waiter.enqueuedAt));
      } else {
        waiter.reject(this.#rejectClosed(now() - waiter.enqueuedAt));
        this.#rejectWaiters();
        return;
      }
    }
  }

  #rejectWaiters(): void {
    for (let waiter = this.#queue.peek(); waiter !== undefined; waiter = this.#queue.peek()) {
      this.#leave(waiter);
      waiter.reject(this.#rejectClosed(now() - waiter.enqueuedAt));
    }
  }

  #countRejection(reason: RejectionReason, waitTime: number): void {
    Atomics.add(this.#state, REJECTED, 1);
    Atomics.store(this.#wide, LAST_REJECTION_BIGINT_INDEX, BigInt(Date.now()));
    if (this.#events.listening) {
      this.#events.emit('rejected', {
        bulkheadName: this.name,
        bulkheadType: this.type,
        reason,
        waitTime,
        activeCount: Atomics.load(this.#state, ACTIVE),
        waitingCount: Atomics.load(this.#state, WAITING),
      });
    }
  }

  #rejectFull(reason: 'queue_full' | 'queue_timeout', waitTime: number): BulkheadFullError {
    this.#countRejection(reason, waitTime);
    return this.#build(
      () =>
        new BulkheadFullError({
          bulkheadName: this.name,
          maxConcurrent: Atomics.load(this.#state, LIMIT),
          activeCount: Atomics.load(this.#state, ACTIVE),
          reason,
        }),
    );
  }

  #rejectClosed(waitTime: number): BulkheadClosedError {
    this.#countRejection('shutdown', waitTime);
    return this.#build(() => new BulkheadClosedError({ bulkheadName: this.name }));
  }

  #rejectAborted(signal: AbortSignal, waitTime: number): unknown {
    this.#countRejection('aborted', waitTime);
    return signal.reason;
  }

  #build<E>(create: () => E): E {
    if (this.#captureStackTrace) return create();
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return create();
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
