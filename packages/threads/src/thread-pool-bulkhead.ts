import type {
  AcquireOptions,
  BulkheadEventListener,
  BulkheadEventName,
  ClosableBulkhead,
  Permit,
  ProtectedFunction,
  SynchronousBulkhead,
} from '@x/bulkhead-core';
import { createBulkheadState } from '@x/bulkhead-core';
import { protectFunction } from '@x/bulkhead-core/extension';
import { now } from './internal/clock.js';
import { ThreadPoolCompartment } from './internal/thread-pool-compartment.js';
import {
  FunctionJob,
  PermitJob,
  type PoolJob,
  TaskJob,
  ThreadPoolPermit,
} from './internal/thread-pool-jobs.js';
import {
  validateCallOptions,
  validateName,
  validateSignal,
  validateTaskName,
  validateTimeout,
  validateTransferList,
} from './internal/validate.js';

export type {
  ThreadPoolBulkheadState,
  ThreadPoolCloseOptions,
  ThreadPoolExecuteOptions,
  ThreadPoolFunctionOptions,
} from './thread-pool-call-options.js';

import {
  ACQUIRE_OPTIONS,
  CLOSE_OPTIONS,
  FUNCTION_OPTIONS,
  TASK_OPTIONS,
  type ThreadPoolBulkheadState,
  type ThreadPoolCloseOptions,
  type ThreadPoolExecuteOptions,
  type ThreadPoolFunctionOptions,
} from './thread-pool-call-options.js';
import {
  resolveThreadPoolOptions,
  type ThreadPoolBulkheadOptions,
  validateRunTimeout,
} from './thread-pool-options.js';

/**
 * A compartment with its own piscina worker pool: `maxWorkers` tasks run, `maxQueue` more wait (FIFO), the
 * rest are rejected at once. A task out of its run budget is really stopped: its worker is terminated, and
 * its slot is freed only once that worker is gone.
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class ThreadPoolBulkhead implements ClosableBulkhead, SynchronousBulkhead {
  readonly name: string;
  readonly type = 'thread_pool' as const;
  readonly #compartment: ThreadPoolCompartment;
  #closing: Promise<void> | undefined = undefined;

  constructor(name: string, options: ThreadPoolBulkheadOptions) {
    this.name = validateName('name', name);
    this.#compartment = new ThreadPoolCompartment(this.name, resolveThreadPoolOptions(options));
  }

  /** Slots of the compartment: tasks that may run at once (one per worker). */
  get maxConcurrent(): number {
    return this.#compartment.options.maxWorkers;
  }

  /** Tasks that may run at once (one per worker). */
  get maxWorkers(): number {
    return this.#compartment.options.maxWorkers;
  }

  /** Bound on queued calls. */
  get maxQueue(): number {
    return this.#compartment.options.maxQueue;
  }

  /** Slots in use: running tasks, workers still being terminated, held permits, running functions. */
  get activeCount(): number {
    return this.#compartment.active;
  }

  /** Tasks and acquirers waiting for a slot. */
  get waitingCount(): number {
    return this.#compartment.queue.size;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#compartment.closed;
  }

  /**
   * Reserves one slot of the pool without running a task (so at most `maxWorkers - 1` tasks run
   * while it is held). Without `timeout` the verdict is immediate; with one the caller waits in the
   * task queue (it takes a queue place) up to `timeout` ms.
   * @throws {BulkheadFullError} (rejection) `queue_full` or `queue_timeout`.
   * @throws {BulkheadClosedError} (rejection) after `close()`; the signal's reason when aborted.
   */
  acquire(options?: AcquireOptions): Promise<Permit> {
    let job: PoolJob;
    let waitTimeout: number;
    try {
      validateCallOptions(options, ACQUIRE_OPTIONS);
      waitTimeout = options?.timeout === undefined ? 0 : validateTimeout('timeout', options.timeout);
      const signal = options?.signal === undefined ? undefined : validateSignal('signal', options.signal);
      job = new PermitJob(signal, this.#enqueuedAt(waitTimeout));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#compartment.submit(job, waitTimeout) as Promise<Permit>;
  }

  /** Synchronous verdict: a reserved slot if one is free (and nobody waits), else `undefined` (counted as a rejection). */
  tryAcquire(): Permit | undefined {
    const compartment = this.#compartment;
    if (!compartment.closed && compartment.hasFreeSlot()) {
      const job = new PermitJob(undefined, -1);
      job.settled = true;
      compartment.active++;
      if (compartment.events.listening) job.admittedAt = now();
      compartment.ledger.permitted(0);
      return new ThreadPoolPermit(compartment, job);
    }
    compartment.ledger.rejected(compartment.closed ? 'shutdown' : 'queue_full', 0);
    return undefined;
  }

  /**
   * Runs a protected function in the calling thread while it holds a pool slot (the `Bulkhead`
   * contract, for policies and decorators): without `timeout` an immediate verdict, with one it waits
   * up to `timeout` ms. `runTimeout` rejects with `BulkheadTimeoutError` and aborts the function's
   * signal; its slot stays held (counted as orphaned) until the function settles.
   * @throws {BulkheadFullError | BulkheadClosedError | BulkheadTimeoutError} (rejection); errors of `fn` unchanged.
   */
  execute<T>(fn: ProtectedFunction<T>, options?: ThreadPoolFunctionOptions): Promise<T>;
  /**
   * Runs `task` in a worker: calls the module's export `options.name` (default export if omitted)
   * with `task` as its argument. Capacity is `maxWorkers + maxQueue`; past it the call is rejected at once.
   * @throws {BulkheadFullError} (rejection) `queue_full`, or `queue_timeout` when the wait budget ran out.
   * @throws {BulkheadTimeoutError} (rejection) when the task ran out of its run budget; its worker was terminated.
   * @throws {WorkerCrashedError} (rejection) when the worker died; errors thrown by the task propagate as they are.
   * @throws {NotCloneableError} (rejection) when `task` or the task's result cannot be structured-cloned.
   * @throws {BulkheadClosedError} (rejection) after `close()`, or when `close()` had to terminate the task.
   */
  execute<Result = unknown>(task: unknown, options?: ThreadPoolExecuteOptions): Promise<Result>;
  execute(task: unknown, options?: ThreadPoolExecuteOptions): Promise<unknown> {
    const compartment = this.#compartment;
    if (typeof task === 'function') return this.#executeFunction(task as ProtectedFunction<unknown>, options);
    if (
      (options === undefined || (options.runTimeout === undefined && options.signal === undefined)) &&
      compartment.options.runTimeout === undefined &&
      !compartment.closed &&
      compartment.hasFreeSlot()
    ) {
      try {
        validateCallOptions(options, TASK_OPTIONS);
        if (options?.timeout !== undefined) validateTimeout('timeout', options.timeout);
        const transferList = validateTransferList(options?.transferList);
        const dispatched = compartment.dispatch.prepare(task, validateTaskName(options?.name));
        return compartment.runFast(
          transferList === undefined
            ? dispatched
            : {
                payload: dispatched.payload,
                runOptions: { ...dispatched.runOptions, transferList: [...transferList] },
              },
        );
      } catch (error) {
        return Promise.reject(error);
      }
    }
    let job: PoolJob;
    let waitTimeout: number;
    try {
      validateCallOptions(options, TASK_OPTIONS);
      waitTimeout =
        options?.timeout === undefined
          ? Number.POSITIVE_INFINITY
          : validateTimeout('timeout', options.timeout);
      const signal = options?.signal === undefined ? undefined : validateSignal('signal', options.signal);
      const runTimeout = this.#runTimeoutOf(options);
      const transferList = validateTransferList(options?.transferList);
      const dispatched = compartment.dispatch.prepare(task, validateTaskName(options?.name));
      job = new TaskJob(
        signal,
        this.#enqueuedAt(waitTimeout),
        dispatched.payload,
        dispatched.runOptions,
        transferList,
        runTimeout,
      );
    } catch (error) {
      return Promise.reject(error);
    }
    return compartment.submit(job, waitTimeout);
  }

  /** Returns `fn` protected by this bulkhead; each call runs in the calling thread under a slot (see `execute(fn)`). */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: ThreadPoolFunctionOptions,
  ): (...args: Arguments) => Promise<T> {
    return protectFunction(this, fn, options);
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
    this.#compartment.close();
    this.#closing ??= this.#compartment.shutdown(timeout);
    return this.#closing;
  }

  /** A frozen snapshot, with `queueCapacity`, `poolSize` (live workers), `timedOutCount` and `orphanedCount`. */
  getState(): ThreadPoolBulkheadState {
    const compartment = this.#compartment;
    const ledger = compartment.ledger;
    return createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: compartment.options.maxWorkers,
      activeCount: compartment.active,
      waitingCount: compartment.queue.size,
      maxQueue: compartment.options.maxQueue,
      ...ledger.stateCounts(),
      closed: compartment.closed,
      queueCapacity: compartment.options.maxQueue,
      poolSize: compartment.terminating ? 0 : compartment.pool.threads.length,
      timedOutCount: compartment.timedOutCount,
      orphanedCount: compartment.orphanedCount,
    }) as ThreadPoolBulkheadState;
  }

  /**
   * Subscribes to `permitted`, `rejected` or `finished`; returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#compartment.events.on(event, listener);
  }

  #executeFunction(
    fn: ProtectedFunction<unknown>,
    options: ThreadPoolFunctionOptions | undefined,
  ): Promise<unknown> {
    let job: PoolJob;
    let waitTimeout: number;
    try {
      validateCallOptions(options, FUNCTION_OPTIONS);
      waitTimeout = options?.timeout === undefined ? 0 : validateTimeout('timeout', options.timeout);
      const signal = options?.signal === undefined ? undefined : validateSignal('signal', options.signal);
      job = new FunctionJob(signal, this.#enqueuedAt(waitTimeout), fn, this.#runTimeoutOf(options));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#compartment.submit(job, waitTimeout);
  }

  #runTimeoutOf(options: { runTimeout?: number } | undefined): number | undefined {
    return options?.runTimeout === undefined
      ? this.#compartment.options.runTimeout
      : validateRunTimeout('runTimeout', options.runTimeout);
  }

  /** When a wait begins, if anything will measure it (a finite wait budget, or listeners). */
  #enqueuedAt(waitTimeout: number): number {
    return this.#compartment.events.listening || (waitTimeout > 0 && waitTimeout !== Number.POSITIVE_INFINITY)
      ? now()
      : -1;
  }
}
