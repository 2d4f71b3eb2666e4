import type { TransferListItem, Worker } from 'node:worker_threads';
import {
  type AcquireOptions,
  BulkheadClosedError,
  BulkheadEventEmitter,
  type BulkheadEventListener,
  type BulkheadEventName,
  type BulkheadState,
  BulkheadTimeoutError,
  type CallOutcome,
  type ClosableBulkhead,
  createBulkheadState,
  type ExecuteOptions,
  type ExecutionContext,
  type Permit,
  type ProtectedFunction,
} from '@x/bulkhead-core';
import { AdmissionLedger, WaiterQueue } from '@x/bulkhead-core/extension';
import { Piscina } from 'piscina';
import { now } from './internal/clock.js';
import { toWorkerCrashedError } from './internal/crash.js';
import {
  type CapturedContext,
  cloneFailureOf,
  encodeHandlerKey,
  isTaskFailure,
  unwrapTaskFailure,
} from './internal/task-protocol.js';
import { Job, JobKind } from './internal/thread-pool-job.js';
import {
  validateCallOptions,
  validateName,
  validateSignal,
  validateTaskName,
  validateTimeout,
  validateTransferList,
} from './internal/validate.js';
import { workerRuntimePath } from './internal/worker-runtime-location.js';
import { NotCloneableError } from './not-cloneable-error.js';
import {
  type ResolvedThreadPoolOptions,
  resolveThreadPoolOptions,
  type ThreadPoolBulkheadOptions,
} from './thread-pool-options.js';

/** Options of `ThreadPoolBulkhead.execute()` for a worker task. */
export interface ThreadPoolExecuteOptions extends ExecuteOptions {
  /** Exported function of the worker module to call (default: the default export). */
  name?: string;
  /**
   * Budget in ms for the whole call (queue wait plus run). Running out while queued rejects with
   * `BulkheadFullError` (`queue_timeout`); while running, the worker is terminated and the call
   * rejects with `BulkheadTimeoutError`. Defaults to the bulkhead's `timeout`.
   */
  timeout?: number;
  /** Aborting drops a queued task, or terminates the worker of a running one; rejects with the reason. */
  signal?: AbortSignal;
  /** Objects moved (not copied) to the worker, e.g. `ArrayBuffer`s inside the task. */
  transferList?: readonly TransferListItem[];
}

/** Options of `ThreadPoolBulkhead.close()`. */
export interface ThreadPoolCloseOptions {
  /** Ms to let running tasks finish before the workers are terminated (default: wait for all). */
  timeout?: number;
}

const TASK_OPTIONS = ['name', 'timeout', 'signal', 'transferList'];
const FUNCTION_OPTIONS = ['timeout', 'signal'];
const ACQUIRE_OPTIONS = ['timeout', 'signal'];
const CLOSE_OPTIONS = ['timeout'];

const NEVER_ABORTED_CONTEXT: ExecutionContext = Object.freeze({ signal: new AbortController().signal });

let releasePermit: (bulkhead: ThreadPoolBulkhead, job: Job, outcome: CallOutcome) => void;

class ThreadPoolPermit implements Permit {
  #bulkhead: ThreadPoolBulkhead | undefined;
  readonly #bulkheadName: string;
  readonly #job: Job;

  constructor(bulkhead: ThreadPoolBulkhead, job: Job) {
    this.#bulkhead = bulkhead;
    this.#bulkheadName = bulkhead.name;
    this.#job = job;
  }

  get bulkheadName(): string {
    return this.#bulkheadName;
  }

  get released(): boolean {
    return this.#bulkhead === undefined;
  }

  release(outcome: CallOutcome = 'success'): void {
    const bulkhead = this.#bulkhead;
    if (bulkhead === undefined) return;
    this.#bulkhead = undefined;
    releasePermit(bulkhead, this.#job, outcome);
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
 * A compartment with its own piscina worker pool: `maxWorkers` tasks run, `queueSize` more wait (FIFO), the
 * rest are rejected at once. A task out of time is really stopped: its worker is terminated, and its slot
 * is freed only once that worker is gone.
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class ThreadPoolBulkhead implements ClosableBulkhead {
  readonly name: string;
  readonly type = 'thread_pool' as const;
  readonly #options: ResolvedThreadPoolOptions;
  readonly #pool: Piscina;
  readonly #queue = new WaiterQueue<Job>();
  readonly #events = new BulkheadEventEmitter();
  readonly #ledger: AdmissionLedger;
  #active = 0;
  #timedOutCount = 0;
  #orphanedCount = 0;
  #closed = false;
  #terminating = false;
  #closing: Promise<void> | undefined = undefined;
  #idleWaiters: Array<() => void> = [];
  readonly #runOptionsCache = new Map<string, { name: string }>();
  #lastExportName: string | undefined = undefined;
  #lastRunOptions: { name: string } | undefined = undefined;

  static {
    releasePermit = (bulkhead, job, outcome) => bulkhead.#release(job, outcome);
  }

  constructor(name: string, options: ThreadPoolBulkheadOptions) {
    this.name = validateName('name', name);
    this.#options = resolveThreadPoolOptions(options);
    const resolved = this.#options;
    this.#ledger = new AdmissionLedger({
      subject: this,
      events: this.#events,
      captureStackTrace: resolved.captureStackTrace,
    });
    this.#pool = new Piscina({
      filename: workerRuntimePath(),
      minThreads: resolved.minWorkers,
      maxThreads: resolved.maxWorkers,
      idleTimeout: resolved.idleTimeout,
      concurrentTasksPerWorker: 1,
      workerData: resolved.workerData,
      ...(resolved.resourceLimits === undefined ? {} : { resourceLimits: resolved.resourceLimits }),
    });
    this.#pool.on('error', (error: unknown) => {
      process.emitWarning(
        `A worker of thread-pool bulkhead '${this.name}' failed outside any task: ${String(error)}`,
        'BulkheadWorkerWarning',
      );
    });
    if (resolved.sharedBulkheads.length > 0) {
      // Piscina announces every worker, the initial ones included, with 'workerCreate'.
      this.#pool.on('workerCreate', (worker: { id: number }) => this.#watchWorker(worker.id));
    }
  }

  /** Slots of the compartment: tasks that may run at once (one per worker). */
  get maxConcurrent(): number {
    return this.#options.maxWorkers;
  }

  /** Tasks that may run at once (one per worker). */
  get maxWorkers(): number {
    return this.#options.maxWorkers;
  }

  /** Bound on queued tasks. */
  get queueSize(): number {
    return this.#options.queueSize;
  }

  /** Slots in use: running tasks, workers still being terminated, held permits, running functions. */
  get activeCount(): number {
    return this.#active;
  }

  /** Tasks and acquirers waiting for a slot. */
  get waitingCount(): number {
    return this.#queue.size;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Reserves one slot of the pool without running a task (so at most `maxWorkers - 1` tasks run
   * while it is held). Without `timeout` the verdict is immediate; with one the caller waits in the
   * task queue (it takes a queue place) up to `timeout` ms.
   * @throws {BulkheadFullError} (rejection) `queue_full` or `queue_timeout`.
   * @throws {BulkheadClosedError} (rejection) after `close()`; the signal's reason when aborted.
   */
  acquire(options?: AcquireOptions): Promise<Permit> {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    try {
      validateCallOptions(options, ACQUIRE_OPTIONS);
      if (options?.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
      if (options?.signal !== undefined) signal = validateSignal('signal', options.signal);
    } catch (error) {
      return Promise.reject(error);
    }
    const job = new Job(JobKind.Permit, undefined, undefined, undefined, signal, timeout);
    if (timeout === undefined || timeout === 0) {
      if (signal?.aborted) return Promise.reject(this.#ledger.aborted(signal, 0));
      if (this.#closed) return Promise.reject(this.#ledger.closed(0));
      if (this.#hasFreeSlot()) return Promise.resolve(this.#grantPermit(job));
      return Promise.reject(this.#ledger.full('queue_full', 0));
    }
    return this.#submit(job) as Promise<Permit>;
  }

  /** Synchronous verdict: a reserved slot if one is free (and nobody waits), else `undefined` (counted as a rejection). */
  tryAcquire(): Permit | undefined {
    if (!this.#closed && this.#hasFreeSlot()) {
      return this.#grantPermit(
        new Job(JobKind.Permit, undefined, undefined, undefined, undefined, undefined),
      );
    }
    this.#ledger.rejected(this.#closed ? 'shutdown' : 'queue_full', 0);
    return undefined;
  }

  /**
   * Runs a protected function in the calling thread while it holds a pool slot (the `Bulkhead`
   * contract, for policies and decorators). `timeout` rejects with `BulkheadTimeoutError` and aborts
   * the function's signal; its slot stays held (counted as orphaned) until the function settles.
   * @throws {BulkheadFullError | BulkheadClosedError | BulkheadTimeoutError} (rejection); errors of `fn` unchanged.
   */
  execute<T>(fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T>;
  /**
   * Runs `task` in a worker: calls the module's export `options.name` (default export if omitted)
   * with `task` as its argument. Capacity is `maxWorkers + queueSize`; past it the call is rejected at once.
   * @throws {BulkheadFullError} (rejection) `queue_full`, or `queue_timeout` when the budget ran out in the queue.
   * @throws {BulkheadTimeoutError} (rejection) when the task ran out of time; its worker was terminated.
   * @throws {WorkerCrashedError} (rejection) when the worker died; errors thrown by the task propagate as they are.
   * @throws {NotCloneableError} (rejection) when `task` or the task's result cannot be structured-cloned.
   * @throws {BulkheadClosedError} (rejection) after `close()`, or when `close()` had to terminate the task.
   */
  execute<Result = unknown>(task: unknown, options?: ThreadPoolExecuteOptions): Promise<Result>;
  execute(task: unknown, options?: ThreadPoolExecuteOptions): Promise<unknown> {
    const isFunction = typeof task === 'function';
    if (
      !isFunction &&
      (options === undefined || (options.timeout === undefined && options.signal === undefined)) &&
      this.#options.timeout === undefined &&
      !this.#closed &&
      this.#hasFreeSlot()
    ) {
      return this.#runFast(task, options);
    }
    let job: Job;
    try {
      job = this.#createJob(task, isFunction, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#submit(job);
  }

  /** Returns `fn` protected by this bulkhead; each call runs in the calling thread under a slot (see `execute(fn)`). */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${typeof fn}`);
    return (...args: Arguments) => this.execute<T>(() => fn(...args), options);
  }

  /**
   * Stops admitting: queued and later calls reject at once with `BulkheadClosedError`. Running tasks
   * may finish for up to `timeout` ms; then the workers are terminated (their tasks reject with
   * `BulkheadClosedError`). Resolves once every worker has exited. Idempotent.
   * @throws {TypeError | RangeError} (rejection) for an invalid `timeout`.
   */
  close(options?: ThreadPoolCloseOptions): Promise<void> {
    let timeout: number | undefined;
    try {
      validateCallOptions(options, CLOSE_OPTIONS);
      if (options?.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.#closed) {
      this.#closed = true;
      this.#rejectQueued();
    }
    this.#closing ??= this.#shutdown(timeout);
    return this.#closing;
  }

  /** A frozen snapshot, with `queueCapacity`, `poolSize` (live workers) and `timedOutCount`. */
  getState(): BulkheadState {
    return createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: this.#options.maxWorkers,
      activeCount: this.#active,
      waitingCount: this.#queue.size,
      maxQueue: this.#options.queueSize,
      rejectedCount: this.#ledger.rejectedCount,
      admittedCount: this.#ledger.admittedCount,
      successfulCalls: this.#ledger.successfulCount,
      failedCalls: this.#ledger.failedCount,
      lastRejectionTime: this.#ledger.lastRejectionTime,
      closed: this.#closed,
      queueCapacity: this.#options.queueSize,
      poolSize: this.#terminating ? 0 : this.#pool.threads.length,
      timedOutCount: this.#timedOutCount,
      orphanedCount: this.#orphanedCount,
    });
  }

  /**
   * Subscribes to `permitted`, `rejected` or `finished`; returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#events.on(event, listener);
  }

  #hasFreeSlot(): boolean {
    return this.#active < this.#options.maxWorkers && this.#queue.size === 0;
  }

  /** Fast path: a free worker, no timeout, no signal; no job object, no extra promise. */
  #runFast(task: unknown, options: ThreadPoolExecuteOptions | undefined): Promise<unknown> {
    let payload: unknown;
    let runOptions: { name: string; transferList?: TransferListItem[] };
    try {
      validateCallOptions(options, TASK_OPTIONS);
      const exportName = validateTaskName(options?.name);
      const context = this.#capture();
      payload = context === undefined ? task : [task, context];
      runOptions = this.#runOptions(exportName, context !== undefined);
      const transferList = validateTransferList(options?.transferList);
      if (transferList !== undefined) runOptions = { ...runOptions, transferList: [...transferList] };
    } catch (error) {
      return Promise.reject(error);
    }
    this.#active++;
    let admittedAt = -1;
    if (this.#events.listening) {
      admittedAt = now();
      this.#ledger.permitted(0);
    }
    if (admittedAt < 0) return this.#pool.run(payload, runOptions).then(this.#fastSuccess, this.#fastFailure);
    return this.#pool.run(payload, runOptions).then(
      (result: unknown) => {
        this.#releaseSlot(admittedAt, 0, 'success');
        return result;
      },
      (error: unknown) => {
        this.#releaseSlot(admittedAt, 0, 'failure');
        throw this.#translate(error);
      },
    );
  }

  /** Settlement handlers of the fast path when nobody listens (no timestamps): allocated once. */
  readonly #fastSuccess = (result: unknown): unknown => {
    this.#releaseSlot(-1, 0, 'success');
    return result;
  };

  readonly #fastFailure = (error: unknown): never => {
    this.#releaseSlot(-1, 0, 'failure');
    throw this.#translate(error);
  };

  #createJob(task: unknown, isFunction: boolean, options: ThreadPoolExecuteOptions | undefined): Job {
    validateCallOptions(options, isFunction ? FUNCTION_OPTIONS : TASK_OPTIONS);
    const timeout =
      options?.timeout === undefined ? this.#options.timeout : validateTimeout('timeout', options.timeout);
    const signal = options?.signal === undefined ? undefined : validateSignal('signal', options.signal);
    if (isFunction) {
      return new Job(JobKind.Function, task, undefined, undefined, signal, timeout);
    }
    const exportName = validateTaskName(options?.name);
    const transferList = validateTransferList(options?.transferList);
    const context = this.#capture();
    const payload = context === undefined ? task : [task, context];
    const runOptions = this.#runOptions(exportName, context !== undefined);
    return new Job(JobKind.Task, payload, runOptions, transferList, signal, timeout);
  }

  /** Captures the caller's context now, while it is active; `undefined` when nothing was captured. */
  #capture(): CapturedContext | undefined {
    let context: Array<readonly [string, unknown]> | undefined;
    for (const propagator of this.#options.contextPropagators) {
      const value = propagator.capture();
      if (value === undefined) continue;
      context ??= [];
      context.push([propagator.name, value]);
    }
    return context;
  }

  /** Piscina run options naming the handler of `exportName` (cached: one object per export). */
  #runOptions(exportName: string | undefined, withContext: boolean): { name: string } {
    if (!withContext && exportName === this.#lastExportName && this.#lastRunOptions !== undefined) {
      return this.#lastRunOptions;
    }
    const cacheKey = `${withContext ? 'c' : 'p'}${exportName ?? ''}`;
    let runOptions = this.#runOptionsCache.get(cacheKey);
    if (runOptions === undefined) {
      const name = encodeHandlerKey({
        module: this.#options.moduleUrl,
        exportName: exportName ?? 'default',
        withContext,
      });
      runOptions = Object.freeze({ name });
      this.#runOptionsCache.set(cacheKey, runOptions);
    }
    if (!withContext) {
      this.#lastExportName = exportName;
      this.#lastRunOptions = runOptions;
    }
    return runOptions;
  }

  #submit(job: Job): Promise<unknown> {
    const signal = job.signal;
    if (signal?.aborted) return Promise.reject(this.#ledger.aborted(signal, 0));
    if (this.#closed) return Promise.reject(this.#ledger.closed(0));
    const promise = new Promise<unknown>((resolve, reject) => {
      job.resolve = resolve;
      job.reject = reject;
    });
    if (this.#hasFreeSlot()) {
      this.#arm(job);
      this.#start(job);
      return promise;
    }
    if (this.#queue.size >= this.#options.queueSize) {
      return Promise.reject(this.#ledger.full('queue_full', 0));
    }
    if (this.#events.listening || job.timeout !== undefined) job.enqueuedAt = now();
    this.#queue.push(job);
    this.#arm(job);
    return promise;
  }

  /** Starts the job's deadline and abort listener. */
  #arm(job: Job): void {
    if (job.timeout !== undefined && job.timeout !== Number.POSITIVE_INFINITY) {
      job.timer = setTimeout(() => this.#onDeadline(job), job.timeout);
    }
    const signal = job.signal;
    if (signal !== undefined) {
      job.onAbort = () => this.#onAbort(job, signal);
      signal.addEventListener('abort', job.onAbort, { once: true });
    }
  }

  #disarm(job: Job): void {
    if (job.timer !== undefined) {
      clearTimeout(job.timer);
      job.timer = undefined;
    }
    if (job.onAbort !== undefined) {
      job.signal?.removeEventListener('abort', job.onAbort);
      job.onAbort = undefined;
    }
  }

  #start(job: Job): void {
    this.#active++;
    if (job.enqueuedAt >= 0 && this.#events.listening) job.waitTime = now() - job.enqueuedAt;
    if (this.#events.listening) {
      job.admittedAt = now();
      this.#ledger.permitted(job.waitTime);
    }
    if (job.kind === JobKind.Task) this.#startTask(job);
    else if (job.kind === JobKind.Function) this.#startFunction(job);
    else {
      this.#disarm(job);
      job.settled = true;
      job.resolve(new ThreadPoolPermit(this, job));
    }
  }

  #grantPermit(job: Job): Permit {
    this.#active++;
    if (this.#events.listening) {
      job.admittedAt = now();
      this.#ledger.permitted(0);
    }
    job.settled = true;
    return new ThreadPoolPermit(this, job);
  }

  #startTask(job: Job): void {
    let runOptions: { name: string; signal?: AbortSignal; transferList?: TransferListItem[] } | undefined;
    if (job.timer !== undefined || job.signal !== undefined) {
      job.controller = new AbortController();
      runOptions = { name: job.runOptions?.name ?? '', signal: job.controller.signal };
    }
    if (job.transferList !== undefined) {
      runOptions = { name: job.runOptions?.name ?? '', ...runOptions, transferList: [...job.transferList] };
    }
    this.#pool.run(job.payload, runOptions ?? job.runOptions).then(
      (result: unknown) => this.#finishTask(job, 'success', result),
      (error: unknown) => this.#finishTask(job, 'failure', error),
    );
  }

  #finishTask(job: Job, outcome: CallOutcome, value: unknown): void {
    // A task stopped by its deadline or signal is settled already; its slot is freed on worker exit.
    if (job.settled) return;
    job.settled = true;
    this.#disarm(job);
    this.#release(job, outcome);
    if (outcome === 'success') job.resolve(value);
    else job.reject(this.#translate(value));
  }

  #startFunction(job: Job): void {
    const fn = job.payload as ProtectedFunction<unknown>;
    let context = NEVER_ABORTED_CONTEXT;
    if (job.timer !== undefined) {
      job.controller = new AbortController();
      const signal =
        job.signal === undefined
          ? job.controller.signal
          : AbortSignal.any([job.signal, job.controller.signal]);
      context = { signal };
    } else if (job.signal !== undefined) {
      context = { signal: job.signal };
    }
    // Once running, the function sees the signal itself (as with the semaphore bulkhead).
    if (job.onAbort !== undefined) {
      job.signal?.removeEventListener('abort', job.onAbort);
      job.onAbort = undefined;
    }
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(fn(context));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => this.#finishFunction(job, 'success', value),
      (error: unknown) => this.#finishFunction(job, 'failure', error),
    );
  }

  #finishFunction(job: Job, outcome: CallOutcome, value: unknown): void {
    if (job.settled) {
      // The caller already got a timeout; the orphaned function has now let go of its slot.
      this.#orphanedCount--;
      this.#release(job, 'timeout');
      return;
    }
    job.settled = true;
    this.#disarm(job);
    this.#release(job, outcome);
    if (outcome === 'success') job.resolve(value);
    else job.reject(value);
  }

  #onDeadline(job: Job): void {
    job.timer = undefined;
    if (job.settled) return;
    if (job.queued) {
      this.#queue.remove(job);
      this.#disarm(job);
      job.settled = true;
      job.reject(this.#ledger.full('queue_timeout', this.#waitTimeOf(job)));
      this.#notifyIdle();
      return;
    }
    job.settled = true;
    this.#disarm(job);
    this.#timedOutCount++;
    const timeout = job.timeout ?? 0;
    job.reject(new BulkheadTimeoutError({ bulkheadName: this.name, timeout }));
    if (job.kind === JobKind.Task) {
      this.#stopWorker(job, 'timeout');
    } else {
      this.#orphanedCount++;
      job.controller?.abort(new BulkheadTimeoutError({ bulkheadName: this.name, timeout }));
    }
  }

  #onAbort(job: Job, signal: AbortSignal): void {
    job.onAbort = undefined;
    if (job.settled) return;
    if (job.queued) {
      this.#queue.remove(job);
      this.#disarm(job);
      job.settled = true;
      job.reject(this.#ledger.aborted(signal, this.#waitTimeOf(job)));
      this.#notifyIdle();
      return;
    }
    // A running task: stop its worker.
    job.settled = true;
    this.#disarm(job);
    job.reject(signal.reason);
    this.#stopWorker(job, 'failure');
  }

  /**
   * Aborts the task in piscina, which terminates its worker, and frees the slot only once that
   * worker has exited (a task still queued inside piscina frees it at once).
   */
  #stopWorker(job: Job, outcome: CallOutcome): void {
    const before = this.#pool.threads;
    job.controller?.abort();
    const after = this.#pool.threads;
    const dying = before.find((worker) => !after.includes(worker));
    if (dying === undefined || dying.threadId === -1) {
      this.#release(job, outcome);
      return;
    }
    dying.once('exit', () => this.#release(job, outcome));
  }

  #release(job: Job, outcome: CallOutcome): void {
    this.#releaseSlot(job.admittedAt, job.waitTime, outcome);
  }

  #releaseSlot(admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    this.#active--;
    this.#ledger.finished(outcome, admittedAt, waitTime);
    while (this.#active < this.#options.maxWorkers && !this.#closed) {
      const next = this.#queue.shift();
      if (next === undefined) break;
      this.#start(next);
    }
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    if (this.#active === 0 && this.#queue.size === 0 && this.#idleWaiters.length > 0) {
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  /**
   * Rejects every queued call with `BulkheadClosedError`. The queue is emptied before the first
   * rejection is reported, so nothing a listener does (releasing, acquiring) can start a queued task.
   */
  #rejectQueued(): void {
    const queued: Job[] = [];
    for (let job = this.#queue.shift(); job !== undefined; job = this.#queue.shift()) queued.push(job);
    for (const job of queued) {
      this.#disarm(job);
      job.settled = true;
      job.reject(this.#ledger.closed(this.#waitTimeOf(job)));
    }
    this.#notifyIdle();
  }

  async #shutdown(timeout: number | undefined): Promise<void> {
    if (this.#active > 0) {
      const idle = new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      if (timeout === undefined || timeout === Number.POSITIVE_INFINITY) {
        await idle;
      } else {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const expired = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeout);
        });
        await Promise.race([idle, expired]);
        clearTimeout(timer);
      }
    }
    this.#terminating = true;
    await this.#pool.destroy();
  }

  #translate(error: unknown): unknown {
    if (isTaskFailure(error)) return unwrapTaskFailure(error);
    const cloneFailure = cloneFailureOf(error);
    if (cloneFailure !== undefined) {
      return new NotCloneableError({ bulkheadName: this.name, ...cloneFailure }, { cause: error });
    }
    if (this.#terminating) return new BulkheadClosedError({ bulkheadName: this.name }, { cause: error });
    return toWorkerCrashedError(this.name, error);
  }

  #watchWorker(threadId: number): void {
    const worker: Worker | undefined = this.#pool.threads.find(
      (candidate) => candidate.threadId === threadId,
    );
    if (worker === undefined) return;
    for (const shared of this.#options.sharedBulkheads) shared.watch(worker);
  }

  #waitTimeOf(job: Job): number {
    return job.enqueuedAt >= 0 && this.#events.listening ? now() - job.enqueuedAt : 0;
  }
}
