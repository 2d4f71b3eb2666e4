import { BulkheadTimeoutError, type Permit, type ProtectedFunction } from '@x/bulkhead-core';
import { CallContext, callProtected } from '@x/bulkhead-core/extension';

/** What one run needs. */
export interface HoldingRun<T> {
  permit: Permit;
  fn: ProtectedFunction<T>;
  bulkheadName: string;
  /** The caller's signal; its abort is forwarded to `fn`. */
  signal: AbortSignal | undefined;
  /** Run-time budget in ms after admission; `undefined`: none. */
  timeout: number | undefined;
  /** Told when a timed-out call starts (`+1`) and stops (`-1`) being orphaned. */
  onOrphan: (delta: 1 | -1) => void;
}

/**
 * Runs `fn` while holding `permit`. The permit is released only when `fn`'s work really settles.
 * At the deadline the returned promise rejects with `BulkheadTimeoutError` and `fn`'s signal is
 * aborted; if `fn` ignores it, the call stays orphaned (and keeps its slot) until it settles.
 */
export function runHoldingPermit<T>(run: HoldingRun<T>): Promise<T> {
  const controller = new AbortController();
  const { signal: callerSignal } = run;
  const forwardAbort = (): void => controller.abort(callerSignal?.reason);
  if (callerSignal !== undefined) {
    if (callerSignal.aborted) forwardAbort();
    else callerSignal.addEventListener('abort', forwardAbort, { once: true });
  }
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settle = (outcome: 'success' | 'failure'): void => {
    if (timer !== undefined) clearTimeout(timer);
    callerSignal?.removeEventListener('abort', forwardAbort);
    run.permit.release(timedOut ? 'timeout' : outcome);
    if (timedOut) run.onOrphan(-1);
  };

  const settled = callProtected(run.fn, new CallContext(controller.signal)).then(
    (value) => {
      settle('success');
      return value;
    },
    (error: unknown) => {
      settle('failure');
      throw error;
    },
  );
  const { timeout } = run;
  if (timeout === undefined) return settled;
  return new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      run.onOrphan(1);
      const error = new BulkheadTimeoutError({ bulkheadName: run.bulkheadName, timeout });
      reject(error);
      controller.abort(error);
    }, timeout);
    settled.then(resolve, reject);
  });
}
