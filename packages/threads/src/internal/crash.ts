import { WorkerCrashedError } from '../worker-crashed-error.js';

const EXIT_PATTERN = /worker exited with code: (-?\d+)/;

/** Turns the error piscina reports for a dead worker into a `WorkerCrashedError` keeping it as cause. */
export function toWorkerCrashedError(bulkheadName: string, cause: unknown): WorkerCrashedError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  const exit = EXIT_PATTERN.exec(message);
  if (exit !== null) {
    return new WorkerCrashedError({ bulkheadName, reason: 'exit', exitCode: Number(exit[1]) }, { cause });
  }
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new WorkerCrashedError({ bulkheadName, reason: 'resource_limits', exitCode: null }, { cause });
  }
  return new WorkerCrashedError({ bulkheadName, reason: 'error', exitCode: null }, { cause });
}
