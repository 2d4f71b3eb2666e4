import type { TransferListItem } from 'node:worker_threads';
import type { BulkheadState, ExecuteOptions } from '@x/bulkhead-core';

/** Options of `ThreadPoolBulkhead.execute()` for a worker task. */
export interface ThreadPoolExecuteOptions extends ExecuteOptions {
  /** Exported function of the worker module to call (default: the default export). */
  name?: string;
  /**
   * Wait budget in ms, as in every bulkhead: how long the task may wait in the queue for a worker;
   * running out rejects with `BulkheadFullError` (`queue_timeout`) and the task never runs. `0`: an
   * immediate verdict. Omitted: a task waits as long as it takes (the queue is bounded by `maxQueue`).
   */
  timeout?: number;
  /**
   * Run budget in ms, counted from the start of the task; running out terminates its worker and
   * rejects with `BulkheadTimeoutError`. Defaults to the bulkhead's `runTimeout`.
   */
  runTimeout?: number;
  /** Aborting drops a queued task, or terminates the worker of a running one; rejects with the reason. */
  signal?: AbortSignal;
  /** Objects moved (not copied) to the worker, e.g. `ArrayBuffer`s inside the task. */
  transferList?: readonly TransferListItem[];
}

/** Options of `ThreadPoolBulkhead.execute(fn)`: the `Bulkhead` contract plus a run budget. */
export interface ThreadPoolFunctionOptions extends ExecuteOptions {
  /**
   * Run budget in ms: running out rejects with `BulkheadTimeoutError` and aborts `fn`'s signal; the
   * slot stays held (orphaned) until `fn` settles. Defaults to the bulkhead's `runTimeout`.
   */
  runTimeout?: number;
}

/** Options of `ThreadPoolBulkhead.close()`. */
export interface ThreadPoolCloseOptions {
  /** Ms to let running tasks finish before the workers are terminated (default: wait for all). */
  timeout?: number;
}

/** `ThreadPoolBulkhead.getState()`: the common state plus the pool's own counts, all present. */
export interface ThreadPoolBulkheadState extends BulkheadState {
  readonly type: 'thread_pool';
  /** Bound on queued calls (`maxQueue`). */
  readonly queueCapacity: number;
  /** Live workers. */
  readonly poolSize: number;
  /** Calls that ran out of their run budget. */
  readonly timedOutCount: number;
  /** Timed-out functions still holding their slot. */
  readonly orphanedCount: number;
}

/** Keys of the call options, for the unknown-key check. */
export const TASK_OPTIONS = ['name', 'timeout', 'runTimeout', 'signal', 'transferList'];
export const FUNCTION_OPTIONS = ['timeout', 'runTimeout', 'signal'];
export const ACQUIRE_OPTIONS = ['timeout', 'signal'];
export const CLOSE_OPTIONS = ['timeout'];
