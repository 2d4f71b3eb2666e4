import { BulkheadError, type BulkheadErrorOptions } from '@x/bulkhead-core';

const CRASHED_MARKER = Symbol.for('x.bulkhead.error.WorkerCrashedError');

/** How the worker running a task died. */
export type WorkerCrashReason = 'exit' | 'resource_limits' | 'error';

/** Facts carried by a `WorkerCrashedError`. */
export interface WorkerCrashedErrorDetails {
  bulkheadName: string;
  reason: WorkerCrashReason;
  /** Exit code when the worker called `process.exit`, else `null`. */
  exitCode: number | null;
}

/**
 * The worker running the task died (`process.exit`, `resourceLimits` exceeded, an uncaught error
 * outside the task). Only that task fails; the pool replaces the worker. `cause` keeps the original.
 */
export class WorkerCrashedError extends BulkheadError {
  readonly [CRASHED_MARKER] = true;
  readonly bulkheadName: string;
  readonly reason: WorkerCrashReason;
  readonly exitCode: number | null;

  constructor(details: WorkerCrashedErrorDetails, options: BulkheadErrorOptions = {}) {
    const what =
      details.reason === 'exit'
        ? `exited with code ${details.exitCode}`
        : details.reason === 'resource_limits'
          ? 'exceeded its resourceLimits'
          : 'failed outside the task';
    super(
      `The worker running a task of bulkhead '${details.bulkheadName}' ${what}`,
      'BULKHEAD_WORKER_CRASHED',
      options,
    );
    this.name = 'WorkerCrashedError';
    this.bulkheadName = details.bulkheadName;
    this.reason = details.reason;
    this.exitCode = details.exitCode;
  }

  /** True for a `WorkerCrashedError` from any installed copy of this package. */
  static override isInstance(error: unknown): error is WorkerCrashedError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[CRASHED_MARKER] === true
    );
  }
}
