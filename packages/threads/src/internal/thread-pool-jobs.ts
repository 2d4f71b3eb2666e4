import type { TransferListItem } from 'node:worker_threads';
import type { CallOutcome, ExecutionContext, ProtectedFunction } from '@x/bulkhead-core';
import { CallContext, callProtected, PermitBase, WaitEntry } from '@x/bulkhead-core/extension';
import { now } from './clock.js';
import type { RunOptions } from './task-dispatch.js';
import type { ThreadPoolCompartment } from './thread-pool-compartment.js';

/**
 * One call of a `ThreadPoolBulkhead` that needs a slot. While queued it is the entry of the
 * compartment's wait list (the caller's signal, the queue deadline); once started, its kind decides
 * what it does with the slot: run a worker task, run a function in the caller thread, or hand out a permit.
 */
export abstract class PoolJob extends WaitEntry {
  admittedAt = -1;
  waitTime = 0;
  /** True once the caller has its verdict (the slot may still be held, e.g. by a dying worker). */
  settled = false;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;

  /** Called once the job holds a slot (counted, `permitted` emitted). */
  abstract start(compartment: ThreadPoolCompartment): void;

  /** The run budget ran out (only jobs that schedule a `RunDeadline` get this). */
  onRunExpired(_compartment: ThreadPoolCompartment, _deadline: RunDeadline): void {}

  /** The caller's signal aborted while the job ran (only jobs that schedule a `RunDeadline` with it). */
  onRunAborted(_compartment: ThreadPoolCompartment, _deadline: RunDeadline): void {}
}

/**
 * The run phase of a job with a run budget or a signal: its entry in the compartment's list of
 * running deadlines (`enqueuedAt` is the start, so the budget counts from there), and the abort
 * handle piscina listens to (piscina's EventEmitter-style signal: no `AbortController` per task).
 */
export class RunDeadline extends WaitEntry {
  aborted = false;
  #listener: (() => void) | undefined = undefined;

  constructor(
    signal: AbortSignal | undefined,
    readonly job: PoolJob,
    readonly runTimeout: number,
  ) {
    super(signal, now());
  }

  /** The abort reason piscina reports (it keeps it as the `cause` of its `AbortError`). */
  get reason(): unknown {
    return this.signal?.reason;
  }

  /** piscina: listen for the abort. */
  once(_event: 'abort', listener: () => void): void {
    this.#listener = listener;
  }

  /** piscina: stop listening (it calls `removeListener` at runtime; its types name `off`). */
  off(_event: 'abort', _listener: () => void): void {
    this.#listener = undefined;
  }

  removeListener(event: 'abort', listener: () => void): void {
    this.off(event, listener);
  }

  /** Makes piscina stop the task (terminating its worker if it runs). */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.();
  }
}

/** A task run in a worker of the pool. */
export class TaskJob extends PoolJob {
  #deadline: RunDeadline | undefined = undefined;

  constructor(
    signal: AbortSignal | undefined,
    enqueuedAt: number,
    /** The task as sent (with its captured context, if any). */
    readonly payload: unknown,
    /** Piscina run options naming the handler (shared, frozen). */
    readonly runOptions: RunOptions,
    readonly transferList: readonly TransferListItem[] | undefined,
    readonly runTimeout: number | undefined,
  ) {
    super(signal, enqueuedAt);
  }

  start(compartment: ThreadPoolCompartment): void {
    let options: RunOptions = this.runOptions;
    if (this.runTimeout !== undefined || this.signal !== undefined) {
      const deadline = new RunDeadline(this.signal, this, this.runTimeout ?? Number.POSITIVE_INFINITY);
      this.#deadline = deadline;
      compartment.running.enqueue(deadline, deadline.runTimeout);
      options = { name: options.name, signal: deadline };
    }
    if (this.transferList !== undefined) options = { ...options, transferList: [...this.transferList] };
    compartment.pool.run(this.payload, options).then(
      (result: unknown) => this.#finish(compartment, 'success', result),
      (error: unknown) => this.#finish(compartment, 'failure', error),
    );
  }

  #finish(compartment: ThreadPoolCompartment, outcome: CallOutcome, value: unknown): void {
    // A task stopped by its deadline or signal is settled already; its slot is freed on worker exit.
    if (this.settled) return;
    this.settled = true;
    // Release first: the next task's deadline joins the list before this one leaves it, so the list's
    // timer stays armed instead of being cleared and set again for every task.
    compartment.release(this, outcome);
    if (this.#deadline !== undefined) compartment.running.remove(this.#deadline);
    if (outcome === 'success') this.resolve(value);
    else this.reject(compartment.translate(value));
  }

  override onRunExpired(compartment: ThreadPoolCompartment, deadline: RunDeadline): void {
    if (this.settled) return;
    this.settled = true;
    compartment.timedOutCount++;
    this.reject(compartment.timeoutError(deadline.runTimeout));
    compartment.stopWorker(this, deadline, 'timeout');
  }

  override onRunAborted(compartment: ThreadPoolCompartment, deadline: RunDeadline): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(deadline.reason);
    compartment.stopWorker(this, deadline, 'failure');
  }
}

/** A protected function run in the caller thread while it holds a slot (the `Bulkhead` contract). */
export class FunctionJob extends PoolJob {
  #controller: AbortController | undefined = undefined;
  #deadline: RunDeadline | undefined = undefined;

  constructor(
    signal: AbortSignal | undefined,
    enqueuedAt: number,
    readonly fn: ProtectedFunction<unknown>,
    readonly runTimeout: number | undefined,
  ) {
    super(signal, enqueuedAt);
  }

  start(compartment: ThreadPoolCompartment): void {
    let context: ExecutionContext;
    const runTimeout = this.runTimeout;
    if (runTimeout !== undefined && runTimeout !== Number.POSITIVE_INFINITY) {
      const controller = new AbortController();
      this.#controller = controller;
      context = {
        signal:
          this.signal === undefined ? controller.signal : AbortSignal.any([this.signal, controller.signal]),
      };
      // Once running, the function sees the caller's signal itself (as with the semaphore): the
      // deadline does not listen to it.
      this.#deadline = new RunDeadline(undefined, this, runTimeout);
      compartment.running.enqueue(this.#deadline, runTimeout);
    } else {
      context = new CallContext(this.signal);
    }
    callProtected(this.fn, context).then(
      (value) => this.#finish(compartment, 'success', value),
      (error: unknown) => this.#finish(compartment, 'failure', error),
    );
  }

  #finish(compartment: ThreadPoolCompartment, outcome: CallOutcome, value: unknown): void {
    if (this.#deadline !== undefined) compartment.running.remove(this.#deadline);
    if (this.settled) {
      // The caller already got a timeout; the orphaned function has now let go of its slot.
      compartment.orphanedCount--;
      compartment.release(this, 'timeout');
      return;
    }
    this.settled = true;
    compartment.release(this, outcome);
    if (outcome === 'success') this.resolve(value);
    else this.reject(value);
  }

  override onRunExpired(compartment: ThreadPoolCompartment, deadline: RunDeadline): void {
    if (this.settled) return;
    this.settled = true;
    compartment.timedOutCount++;
    compartment.orphanedCount++;
    const error = compartment.timeoutError(deadline.runTimeout);
    this.reject(error);
    this.#controller?.abort(error);
  }
}

/** `acquire()`: the slot is handed to the caller as a permit. */
export class PermitJob extends PoolJob {
  start(compartment: ThreadPoolCompartment): void {
    this.settled = true;
    this.resolve(new ThreadPoolPermit(compartment, this));
  }
}

/** A reserved slot of the pool; releasing it frees the slot (exactly once). */
export class ThreadPoolPermit extends PermitBase {
  readonly #compartment: ThreadPoolCompartment;
  readonly #job: PoolJob;

  constructor(compartment: ThreadPoolCompartment, job: PoolJob) {
    super(compartment.name);
    this.#compartment = compartment;
    this.#job = job;
  }

  protected onRelease(outcome: CallOutcome): void {
    this.#compartment.release(this.#job, outcome);
  }
}
