import type { Worker } from 'node:worker_threads';
import { BulkheadEventEmitter, BulkheadTimeoutError, type CallOutcome } from '@x/bulkhead-core';
import { AdmissionLedger, WaitList } from '@x/bulkhead-core/extension';
import { Piscina } from 'piscina';
import type { ResolvedThreadPoolOptions } from '../thread-pool-options.js';
import { now } from './clock.js';
import { type DispatchedTask, TaskDispatch } from './task-dispatch.js';
import type { PoolJob, RunDeadline } from './thread-pool-jobs.js';
import { workerRuntimePath } from './worker-runtime-location.js';

export type { RunOptions } from './task-dispatch.js';

/**
 * The slots of a `ThreadPoolBulkhead` and the piscina pool behind them: `maxWorkers` slots, a FIFO
 * wait list of `maxQueue` jobs (core's `WaitList`: queue deadlines and aborts), a second wait list
 * holding the run deadlines of running jobs (one timer for all of them), and shutdown.
 */
export class ThreadPoolCompartment {
  readonly name: string;
  readonly type = 'thread_pool' as const;
  readonly options: ResolvedThreadPoolOptions;
  readonly pool: Piscina;
  readonly events = new BulkheadEventEmitter();
  readonly ledger: AdmissionLedger;
  readonly dispatch: TaskDispatch;
  /** Jobs waiting for a slot. */
  readonly queue: WaitList<PoolJob>;
  /** Run budgets (and caller signals) of running jobs. */
  readonly running: WaitList<RunDeadline>;
  active = 0;
  timedOutCount = 0;
  orphanedCount = 0;
  closed = false;
  terminating = false;
  #idleWaiters: Array<() => void> = [];

  constructor(name: string, options: ResolvedThreadPoolOptions) {
    this.name = name;
    this.options = options;
    this.ledger = new AdmissionLedger({
      subject: this,
      events: this.events,
      captureStackTrace: options.captureStackTrace,
    });
    this.dispatch = new TaskDispatch(name, options.moduleUrl, options.contextPropagators);
    this.queue = new WaitList<PoolJob>({
      onExpired: (job) => this.#refuse(job, this.ledger.full('queue_timeout', this.#waitTimeOf(job))),
      onAborted: (job) => this.#refuse(job, this.ledger.aborted(job.signal!, this.#waitTimeOf(job))),
    });
    this.running = new WaitList<RunDeadline>({
      onExpired: (deadline) => deadline.job.onRunExpired(this, deadline),
      onAborted: (deadline) => deadline.job.onRunAborted(this, deadline),
    });
    this.pool = new Piscina({
      filename: workerRuntimePath(),
      minThreads: options.minWorkers,
      maxThreads: options.maxWorkers,
      idleTimeout: options.idleTimeout,
      concurrentTasksPerWorker: 1,
      workerData: options.workerData,
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
    });
    this.pool.on('error', (error: unknown) => {
      process.emitWarning(
        `A worker of thread-pool bulkhead '${name}' failed outside any task: ${describeError(error)}`,
        'BulkheadWorkerWarning',
      );
    });
    if (options.sharedBulkheads.length > 0) {
      // Piscina announces every worker, the initial ones included, with 'workerCreate'.
      this.pool.on('workerCreate', (worker: { id: number }) => this.#watchWorker(worker.id));
    }
  }

  /** For the ledger's events and errors. */
  get maxConcurrent(): number {
    return this.options.maxWorkers;
  }

  get activeCount(): number {
    return this.active;
  }

  get waitingCount(): number {
    return this.queue.size;
  }

  hasFreeSlot(): boolean {
    return this.active < this.options.maxWorkers && this.queue.size === 0;
  }

  /**
   * Admits `job`: starts it on a free slot, queues it for up to `waitTimeout` ms (0: immediate
   * verdict, `Infinity`: no timer) or rejects it.
   */
  submit(job: PoolJob, waitTimeout: number): Promise<unknown> {
    const signal = job.signal;
    if (signal?.aborted) return Promise.reject(this.ledger.aborted(signal, 0));
    if (this.closed) return Promise.reject(this.ledger.closed(0));
    const free = this.hasFreeSlot();
    if (!free && (waitTimeout === 0 || this.queue.size >= this.options.maxQueue)) {
      return Promise.reject(this.ledger.full('queue_full', 0));
    }
    const promise = new Promise<unknown>((resolve, reject) => {
      job.resolve = resolve;
      job.reject = reject;
    });
    if (free) this.start(job);
    else this.queue.enqueue(job, waitTimeout);
    return promise;
  }

  /** Counts `job` into a slot and lets it run. */
  start(job: PoolJob): void {
    this.active++;
    if (this.events.listening) {
      const admittedAt = now();
      if (job.enqueuedAt >= 0) job.waitTime = admittedAt - job.enqueuedAt;
      job.admittedAt = admittedAt;
    }
    this.ledger.permitted(job.waitTime);
    job.start(this);
  }

  /** Fast path: a free slot, no run budget, no signal; no job object, no extra promise. */
  runFast(task: DispatchedTask): Promise<unknown> {
    this.active++;
    this.ledger.permitted(0);
    if (!this.events.listening)
      return this.pool.run(task.payload, task.runOptions).then(this.#fastSuccess, this.#fastFailure);
    const admittedAt = now();
    return this.pool.run(task.payload, task.runOptions).then(
      (result: unknown) => {
        this.releaseSlot(admittedAt, 0, 'success');
        return result;
      },
      (error: unknown) => {
        this.releaseSlot(admittedAt, 0, 'failure');
        throw this.translate(error);
      },
    );
  }

  /** Settlement handlers of the fast path when nobody listens (no timestamps): allocated once. */
  readonly #fastSuccess = (result: unknown): unknown => {
    this.releaseSlot(-1, 0, 'success');
    return result;
  };

  readonly #fastFailure = (error: unknown): never => {
    this.releaseSlot(-1, 0, 'failure');
    throw this.translate(error);
  };

  release(job: PoolJob, outcome: CallOutcome): void {
    this.releaseSlot(job.admittedAt, job.waitTime, outcome);
  }

  /** Frees one slot and hands it to the oldest queued job (never after `close()`). */
  releaseSlot(admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    this.active--;
    this.ledger.finished(outcome, admittedAt, waitTime);
    while (this.active < this.options.maxWorkers && !this.closed) {
      const next = this.queue.dequeue();
      if (next === undefined) break;
      this.start(next);
    }
    this.#notifyIdle();
  }

  /**
   * Stops a running task through its abort handle (piscina terminates its worker) and frees the slot
   * only once that worker has exited (a task still queued inside piscina frees it at once).
   */
  stopWorker(job: PoolJob, deadline: RunDeadline, outcome: CallOutcome): void {
    const before = this.pool.threads;
    deadline.abort();
    const after = this.pool.threads;
    const dying = before.find((worker) => !after.includes(worker));
    if (dying === undefined || dying.threadId === -1) {
      this.release(job, outcome);
      return;
    }
    dying.once('exit', () => this.release(job, outcome));
  }

  timeoutError(timeout: number): BulkheadTimeoutError {
    return new BulkheadTimeoutError({ bulkheadName: this.name, timeout });
  }

  translate(error: unknown): unknown {
    return this.dispatch.translate(error, this.terminating);
  }

  /**
   * Stops admitting and rejects every queued job with `BulkheadClosedError`. The list is detached
   * before the first rejection is reported, so nothing a listener does can start a queued job.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.detachAll()) this.#refuse(job, this.ledger.closed(this.#waitTimeOf(job)));
    this.#notifyIdle();
  }

  /** Lets running jobs finish for up to `timeout` ms, then terminates the workers. */
  async shutdown(timeout: number | undefined): Promise<void> {
    if (this.active > 0) {
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
    this.terminating = true;
    await this.pool.destroy();
  }

  #refuse(job: PoolJob, error: unknown): void {
    job.settled = true;
    job.reject(error);
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    if (this.active === 0 && this.queue.size === 0 && this.#idleWaiters.length > 0) {
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  #watchWorker(threadId: number): void {
    const worker: Worker | undefined = this.pool.threads.find((candidate) => candidate.threadId === threadId);
    if (worker === undefined) return;
    for (const shared of this.options.sharedBulkheads) shared.watch(worker);
  }

  #waitTimeOf(job: PoolJob): number {
    return job.enqueuedAt >= 0 ? now() - job.enqueuedAt : 0;
  }
}

/** A message for a value of any shape (a listener or worker may throw anything). */
function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return typeof error;
  }
}
