import { isMainThread, threadId, type Worker } from 'node:worker_threads';
import {
  type AcquireOptions,
  BulkheadError,
  BulkheadEventEmitter,
  type BulkheadEventListener,
  type BulkheadEventName,
  type ClosableBulkhead,
  createBulkheadState,
  type ExecuteOptions,
  type Permit,
  type ProtectedFunction,
  type SynchronousBulkhead,
} from '@x/bulkhead-core';
import { AdmissionLedger, CallContext, callProtected, protectFunction } from '@x/bulkhead-core/extension';
import { now } from './internal/clock.js';
import { LAYOUT_VERSION } from './internal/shared-layout.js';
import { SharedPermit } from './internal/shared-permit.js';
import { NO_SLOT, SHUT, SharedPermitTable, TAKEN, type TakeResult } from './internal/shared-permit-table.js';
import {
  acquireBlocking,
  EventLoopHold,
  SharedWaitQueue,
  type SharedWaitQueueOptions,
} from './internal/shared-wait-queue.js';
import {
  describe,
  validateCallOptions,
  validateFunction,
  validateName,
  validateSignal,
  validateTimeout,
} from './internal/validate.js';
import {
  type AcquireSyncOptions,
  LOCAL_OPTIONS,
  resolveLocalOptions,
  resolveSizes,
  SHARED_OPTIONS,
  type SharedBulkheadHandle,
  type SharedBulkheadLocalOptions,
  type SharedBulkheadOptions,
  type SharedBulkheadState,
  validateHandle,
  validateWorker,
} from './shared-bulkhead-options.js';

export type {
  AcquireSyncOptions,
  SharedBulkheadHandle,
  SharedBulkheadLocalOptions,
  SharedBulkheadOptions,
  SharedBulkheadState,
} from './shared-bulkhead-options.js';

const ACQUIRE_OPTIONS = ['timeout', 'signal'];
const ACQUIRE_SYNC_OPTIONS = ['timeout'];

let adoptedBuffer: SharedArrayBuffer | undefined;

/**
 * One limit shared by the main thread and every worker holding its handle (permits in a `SharedArrayBuffer`).
 * `acquire()` never blocks the event loop; `acquireSync()` blocks a worker only. FIFO within a thread only;
 * the permits of a thread that dies come back with `watch()` / `reclaim()`.
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class SharedBulkhead implements ClosableBulkhead, SynchronousBulkhead {
  readonly name: string;
  readonly type = 'shared' as const;
  readonly #table: SharedPermitTable;
  readonly #maxQueue: number;
  readonly #ledger: AdmissionLedger;
  readonly #events = new BulkheadEventEmitter();
  readonly #eventLoop = new EventLoopHold();
  readonly #waiters: SharedWaitQueue;
  readonly #waitOptions: SharedWaitQueueOptions;

  constructor(name: string, options: SharedBulkheadOptions = {}) {
    this.name = validateName('name', name);
    const adopted = adoptedBuffer;
    adoptedBuffer = undefined;
    validateCallOptions(options, adopted === undefined ? SHARED_OPTIONS : LOCAL_OPTIONS);
    const local = resolveLocalOptions(options);
    this.#maxQueue = local.maxQueue;
    if (adopted === undefined) {
      const { maxConcurrent, maxThreads } = resolveSizes(options);
      this.#table = new SharedPermitTable(SharedPermitTable.allocate(maxConcurrent, maxThreads));
    } else {
      this.#table = new SharedPermitTable(adopted);
    }
    const table = this.#table;
    this.#ledger = new AdmissionLedger({
      // Read at each verdict, from shared memory: the counts of every thread.
      subject: {
        name: this.name,
        type: this.type,
        get maxConcurrent() {
          return table.limit;
        },
        get activeCount() {
          return table.active;
        },
        get waitingCount() {
          return table.waiting;
        },
      },
      events: this.#events,
      captureStackTrace: local.captureStackTrace,
      countRejection: () => table.countRejection(),
    });
    this.#waitOptions = {
      table,
      ledger: this.#ledger,
      eventLoop: this.#eventLoop,
      take: () => this.#take(),
      grant: (waitTime) => this.#grant(waitTime),
    };
    this.#waiters = new SharedWaitQueue(this.#waitOptions);
  }

  /**
   * Opens, in this thread, the bulkhead a handle refers to (the same permits, not a copy).
   * @throws {TypeError} when `handle` is not a `SharedBulkheadHandle` of this version.
   */
  static from(handle: SharedBulkheadHandle, options: SharedBulkheadLocalOptions = {}): SharedBulkhead {
    const { name, buffer } = validateHandle(handle);
    validateCallOptions(options, LOCAL_OPTIONS);
    const { maxQueue, captureStackTrace } = options;
    adoptedBuffer = buffer;
    try {
      return new SharedBulkhead(name, {
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
      if (this.#waiters.size === 0) {
        const taken = this.#take();
        if (taken === TAKEN) return Promise.resolve(this.#grant(0));
        if (taken === SHUT) return Promise.reject(this.#ledger.closed(0));
      } else if (this.closed) {
        return Promise.reject(this.#ledger.closed(0));
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (timeout === undefined || timeout === 0 || this.#waiters.size >= this.#maxQueue) {
      return Promise.reject(this.#ledger.full('queue_full', 0));
    }
    return this.#waiters.enqueue(timeout, signal);
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
    return acquireBlocking(this.#waitOptions, timeout);
  }

  /** Synchronous verdict: a permit if one is free (and nobody in this thread waits), else `undefined`. */
  tryAcquire(): Permit | undefined {
    if (this.#waiters.size === 0) {
      const taken = this.#take();
      if (taken === TAKEN) return this.#grant(0);
      this.#ledger.rejected(taken === SHUT ? 'shutdown' : 'queue_full', 0);
      return undefined;
    }
    this.#ledger.rejected(this.closed ? 'shutdown' : 'queue_full', 0);
    return undefined;
  }

  /**
   * Runs `fn({ signal })` inside a permit and always releases it; `signal` is the caller's, or one of the call's own.
   * @throws the same rejections as `acquire()`; errors of `fn` propagate unchanged.
   */
  execute<T>(fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T> {
    try {
      validateFunction('fn', fn);
      // Fast path: no options and a free permit: no acquire() promise in between.
      if (options === undefined && this.#waiters.size === 0 && this.#take() === TAKEN) {
        return this.#run(fn, this.#grant(0), undefined);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return this.acquire(options).then((permit) => this.#run(fn, permit, options?.signal));
  }

  /**
   * Returns `fn` protected by this bulkhead (each call goes through `execute`).
   * @throws {TypeError} when `fn` is not a function.
   */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    return protectFunction(this, fn, options);
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
    const id = validateWorker(worker).threadId;
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
    this.#waiters.rejectAll();
    this.#eventLoop.hold();
    table.addSleeper(1);
    try {
      for (;;) {
        const seen = table.signal;
        if (table.active <= 0) return;
        await table.sleepAsync(seen);
      }
    } finally {
      table.addSleeper(-1);
      this.#eventLoop.release();
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
      // Admissions and outcomes are this thread's; rejections are counted across threads.
      ...this.#ledger.stateCounts(),
      rejectedCount: table.rejected,
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
      `SharedBulkhead '${this.name}' has no free holder slot: ${this.#table.holderCapacity} threads already hold or wait for permits; raise options.maxThreads or reclaim the permits of exited threads`,
    );
  }

  /** Calls `fn` under `permit` and releases it with the outcome, whatever `fn` does. */
  #run<T>(fn: ProtectedFunction<T>, permit: Permit, signal: AbortSignal | undefined): Promise<T> {
    return callProtected(fn, new CallContext(signal)).then(
      (result) => {
        permit.release('success');
        return result;
      },
      (error: unknown) => {
        permit.release('failure');
        throw error;
      },
    );
  }

  #grant(waitTime: number): Permit {
    let admittedAt = -1;
    if (this.#events.listening) admittedAt = now();
    this.#ledger.permitted(waitTime);
    return new SharedPermit(this.name, this.#table, this.#ledger, admittedAt, waitTime);
  }
}
