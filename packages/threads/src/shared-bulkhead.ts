import { isMainThread, threadId, type Worker } from 'node:worker_threads';
import {
  type AcquireOptions,
  BulkheadError,
  BulkheadEventEmitter,
  type BulkheadEventListener,
  type BulkheadEventName,
  type BulkheadState,
  type CallOutcome,
  type ClosableBulkhead,
  createBulkheadState,
  type ExecuteOptions,
  type ExecutionContext,
  type Permit,
  type ProtectedFunction,
} from '@x/bulkhead-core';
import { AdmissionLedger, type QueueNode, WaiterQueue } from '@x/bulkhead-core/extension';
import { now } from './internal/clock.js';
import { LAYOUT_VERSION, MAX_CONCURRENT_LIMIT, MAX_THREADS_LIMIT } from './internal/shared-layout.js';
import {
  FULL,
  NO_SLOT,
  SHUT,
  SharedPermitTable,
  TAKEN,
  type TakeResult,
} from './internal/shared-permit-table.js';
import {
  describe,
  validateBoolean,
  validateCallOptions,
  validateInteger,
  validateIntegerOrInfinity,
  validateName,
  validateSignal,
  validateTimeout,
} from './internal/validate.js';

/** Options of `SharedBulkhead`. */
export interface SharedBulkheadOptions extends SharedBulkheadLocalOptions {
  /** Permits shared by every thread; integer 1..2**31 - 1, default 10. */
  maxConcurrent?: number;
  /**
   * Threads that may hold or wait for permits at the same time (holder slots); integer 1..65536, default 256.
   * A thread gives its slot back once it holds and waits for nothing.
   */
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

/** `SharedBulkhead.getState()`: counts shared by all threads, `maxQueue` and call statistics of this thread. */
export interface SharedBulkheadState extends BulkheadState {
  readonly type: 'shared';
}

/** Structured-cloneable handle of a `SharedBulkhead`; post it to a worker and call `SharedBulkhead.from(handle)` there. */
export interface SharedBulkheadHandle {
  /** Marks a handle of this package. */
  readonly kind: 'x.bulkhead.shared';
  /** Memory layout version; `from()` refuses another one. */
  readonly version: number;
  /** Name of the bulkhead. */
  readonly name: string;
  /** The shared memory holding the permits (shared, not copied, when posted). */
  readonly buffer: SharedArrayBuffer;
}

const NEVER_ABORTED_CONTEXT: ExecutionContext = Object.freeze({ signal: new AbortController().signal });
const KEEP_ALIVE_INTERVAL = 2 ** 30;

function keepAlive(): void {
  // Never fires in practice; the interval only keeps the event loop alive.
}

class Waiter implements QueueNode {
  previous: QueueNode | undefined = undefined;
  next: QueueNode | undefined = undefined;
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

const SHARED_OPTIONS = ['maxConcurrent', 'maxThreads', 'maxQueue', 'captureStackTrace'];
const LOCAL_OPTIONS = ['maxQueue', 'captureStackTrace'];
const ACQUIRE_OPTIONS = ['timeout', 'signal'];
const ACQUIRE_SYNC_OPTIONS = ['timeout'];

let adoptedBuffer: SharedArrayBuffer | undefined;

/** The shared memory sizes these options: a value past `maximum` would wrap or not fit. */
function validateAtMost(option: string, value: number, maximum: number): number {
  if (value > maximum) throw new RangeError(`options.${option} must be <= ${maximum}, got ${value}`);
  return value;
}

/**
 * One limit shared by the main thread and every worker holding its handle (permits in a `SharedArrayBuffer`).
 * `acquire()` never blocks the event loop; `acquireSync()` blocks a worker only. FIFO within a thread only;
 * the permits of a thread that dies come back with `watch()` / `reclaim()`.
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class SharedBulkhead implements ClosableBulkhead {
  readonly name: string;
  readonly type = 'shared' as const;
  readonly #table: SharedPermitTable;
  readonly #maxQueue: number;
  readonly #ledger: AdmissionLedger;
  readonly #queue = new WaiterQueue<Waiter>();
  readonly #events = new BulkheadEventEmitter();
  #pumping = false;
  #keepAlive: ReturnType<typeof setInterval> | undefined = undefined;
  #keepAliveUsers = 0;

  static {
    releaseShared = (bulkhead, slot, admittedAt, waitTime, outcome) =>
      bulkhead.#release(slot, admittedAt, waitTime, outcome);
  }

  constructor(name: string, options: SharedBulkheadOptions = {}) {
    this.name = validateName('name', name);
    validateCallOptions(options, adoptedBuffer === undefined ? SHARED_OPTIONS : LOCAL_OPTIONS);
    this.#maxQueue =
      options.maxQueue === undefined
        ? Number.POSITIVE_INFINITY
        : validateIntegerOrInfinity('maxQueue', options.maxQueue, 0);
    const captureStackTrace =
      options.captureStackTrace === undefined
        ? false
        : validateBoolean('captureStackTrace', options.captureStackTrace);
    const table = (): SharedPermitTable => this.#table;
    this.#ledger = new AdmissionLedger({
      // Read at each verdict, from shared memory: the counts of every thread.
      subject: {
        name: this.name,
        type: this.type,
        get maxConcurrent() {
          return table().limit;
        },
        get activeCount() {
          return table().active;
        },
        get waitingCount() {
          return table().waiting;
        },
      },
      events: this.#events,
      captureStackTrace,
      countRejection: () => table().countRejection(),
    });
    const adopted = adoptedBuffer;
    adoptedBuffer = undefined;
    if (adopted !== undefined) {
      this.#table = new SharedPermitTable(adopted);
      return;
    }
    const maxConcurrent =
      options.maxConcurrent === undefined
        ? 10
        : validateAtMost(
            'maxConcurrent',
            validateInteger('maxConcurrent', options.maxConcurrent, 1),
            MAX_CONCURRENT_LIMIT,
          );
    const maxThreads =
      options.maxThreads === undefined
        ? 256
        : validateAtMost(
            'maxThreads',
            validateInteger('maxThreads', options.maxThreads, 1),
            MAX_THREADS_LIMIT,
          );
    this.#table = new SharedPermitTable(SharedPermitTable.allocate(maxConcurrent, maxThreads));
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
    if (candidate.version !== LAYOUT_VERSION || !SharedPermitTable.isCompatible(buffer)) {
      throw new TypeError(
        `handle has layout version ${String(candidate.version)}; expected ${LAYOUT_VERSION}`,
      );
    }
    validateCallOptions(options, LOCAL_OPTIONS);
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
      buffer: this.#table.buffer,
    });
  }

  /** Permits shared by all threads. */
  get maxConcurrent(): number {
    return this.#table.limit;
  }

  /** Permits held now, across all threads. */
  get activeCount(): number {
    return this.#table.active;
  }

  /** True once any thread closed the bulkhead. */
  get closed(): boolean {
    return this.#table.closed;
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
      validateCallOptions(options, ACQUIRE_OPTIONS);
      if (options?.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
      if (options?.signal !== undefined) signal = validateSignal('signal', options.signal);
      if (signal?.aborted) return Promise.reject(this.#ledger.aborted(signal, 0));
      if (this.#queue.size === 0) {
        const taken = this.#take();
        if (taken === TAKEN) return Promise.resolve(this.#grant(0));
        if (taken === SHUT) return Promise.reject(this.#ledger.closed(0));
      } else if (this.closed) {
        return Promise.reject(this.#ledger.closed(0));
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (timeout === undefined || timeout === 0 || this.#queue.size >= this.#maxQueue) {
      return Promise.reject(this.#ledger.full('queue_full', 0));
    }
    return this.#enqueue(timeout, signal);
  }

  /**
   * Blocks this worker thread until a permit is free, up to `timeout` ms (omitted: immediate verdict).
   * @throws {BulkheadError} on the main thread (use `acquire()` there), or when every holder slot is taken.
   * @throws {BulkheadFullError} `queue_full` or `queue_timeout`; {BulkheadClosedError} once closed.
   */
  acquireSync(options?: AcquireSyncOptions): Permit {
    validateCallOptions(options, ACQUIRE_SYNC_OPTIONS);
    const timeout = options?.timeout === undefined ? undefined : validateTimeout('timeout', options.timeout);
    if (isMainThread) {
      throw new BulkheadError(
        `SharedBulkhead '${this.name}': acquireSync() blocks its thread and may only be called in a worker thread; use acquire() on the main thread`,
      );
    }
    const table = this.#table;
    const start = timeout === undefined || timeout === 0 ? 0 : now();
    let waiting = false;
    try {
      for (;;) {
        const seen = table.signal;
        const taken = this.#take();
        const waited = start === 0 ? 0 : now() - start;
        if (taken === TAKEN) return this.#grant(waited);
        if (taken === SHUT) throw this.#ledger.closed(waited);
        if (timeout === undefined || timeout === 0) throw this.#ledger.full('queue_full', 0);
        const remaining = timeout - waited;
        if (remaining <= 0) throw this.#ledger.full('queue_timeout', waited);
        if (!waiting) {
          waiting = true;
          table.addWaiting(1);
          table.addSleeper(1);
        }
        table.sleep(seen, remaining);
      }
    } finally {
      if (waiting) {
        table.addSleeper(-1);
        table.addWaiting(-1);
      }
    }
  }

  /** Synchronous verdict: a permit if one is free (and nobody in this thread waits), else `undefined`. */
  tryAcquire(): Permit | undefined {
    if (this.#queue.size === 0) {
      const taken = this.#take();
      if (taken === TAKEN) return this.#grant(0);
      this.#ledger.rejected(taken === SHUT ? 'shutdown' : 'queue_full', 0);
      return undefined;
    }
    this.#ledger.rejected(this.closed ? 'shutdown' : 'queue_full', 0);
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
    return this.#table.reclaim(exitedThreadId);
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
    const table = this.#table;
    table.close();
    this.#rejectWaiters();
    this.#holdEventLoop();
    table.addSleeper(1);
    try {
      for (;;) {
        const seen = table.signal;
        if (table.active <= 0) return;
        await table.sleepAsync(seen);
      }
    } finally {
      table.addSleeper(-1);
      this.#releaseEventLoop();
    }
  }

  /** A frozen snapshot; counts are shared by all threads, `maxQueue` is this thread's. */
  getState(): SharedBulkheadState {
    const table = this.#table;
    return createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: table.limit,
      activeCount: table.active,
      waitingCount: table.waiting,
      maxQueue: this.#maxQueue,
      rejectedCount: table.rejected,
      // Admissions and outcomes are this thread's (rejections are counted across threads).
      admittedCount: this.#ledger.admittedCount,
      successfulCalls: this.#ledger.successfulCount,
      failedCalls: this.#ledger.failedCount,
      lastRejectionTime: table.lastRejectionTime,
      closed: table.closed,
    }) as SharedBulkheadState;
  }

  /**
   * Subscribes to this thread's `permitted`, `rejected` or `finished` events; returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Takes one permit for this thread if one is free.
   * @throws {BulkheadError} when every holder slot belongs to another thread.
   */
  #take(): TakeResult {
    const taken = this.#table.take();
    if (taken !== NO_SLOT) return taken;
    throw new BulkheadError(
      `SharedBulkhead '${this.name}' has no free holder slot: ${this.#table.holderCapacity} threads already hold permits; raise options.maxThreads or reclaim the permits of exited threads`,
    );
  }

  #grant(waitTime: number): Permit {
    let admittedAt = -1;
    if (this.#events.listening) {
      admittedAt = now();
      this.#ledger.permitted(waitTime);
    }
    return new SharedPermit(this, this.#table.slot, admittedAt, waitTime);
  }

  #release(slot: number, admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    this.#table.give(slot);
    this.#ledger.finished(outcome, admittedAt, waitTime);
  }

  #enqueue(timeout: number, signal: AbortSignal | undefined): Promise<Permit> {
    const waiter = new Waiter(now(), signal);
    const promise = new Promise<Permit>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.#queue.push(waiter);
    this.#table.addWaiting(1);
    if (timeout !== Number.POSITIVE_INFINITY) {
      waiter.timer = setTimeout(() => {
        waiter.timer = undefined;
        if (!waiter.queued) return;
        this.#leave(waiter);
        waiter.reject(this.#ledger.full('queue_timeout', now() - waiter.enqueuedAt));
      }, timeout);
    }
    if (signal !== undefined) {
      waiter.onAbort = () => {
        waiter.onAbort = undefined;
        if (!waiter.queued) return;
        this.#leave(waiter);
        waiter.reject(this.#ledger.aborted(signal, now() - waiter.enqueuedAt));
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    void this.#pump();
    return promise;
  }

  /** Removes a waiter from the local queue and drops its timer and abort listener. */
  #leave(waiter: Waiter): void {
    this.#queue.remove(waiter);
    this.#table.addWaiting(-1);
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
    this.#table.addSleeper(1);
    try {
      while (this.#queue.size > 0) {
        const seen = this.#table.signal;
        this.#serveWaiters();
        if (this.#queue.size === 0) break;
        await this.#table.sleepAsync(seen);
      }
    } finally {
      this.#table.addSleeper(-1);
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
        waiter.reject(this.#ledger.closed(now() - waiter.enqueuedAt));
        this.#rejectWaiters();
        return;
      }
    }
  }

  #rejectWaiters(): void {
    for (let waiter = this.#queue.peek(); waiter !== undefined; waiter = this.#queue.peek()) {
      this.#leave(waiter);
      waiter.reject(this.#ledger.closed(now() - waiter.enqueuedAt));
    }
  }
}
