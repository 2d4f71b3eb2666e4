import type { ProtectedFunction } from '../bulkhead.js';
import type { SequencedEntry } from '../waiting/ordered-wait-list.js';
import { WaitEntry } from '../waiting/wait-entry.js';

/** What a queued `execute()` runs. */
export type Task = ProtectedFunction<unknown>;

/**
 * A queued call. An `acquire()` waiter is settled through its promise's resolve/reject functions. An
 * `execute()` waiter carries its task and keeps only `resolve`: it is resolved with itself (or, while
 * somebody listens to `finished`, with its `Admission`; when refused, with a `Refusal`), which starts or
 * rejects the task through one reaction registered in the caller's async context: no Permit, no closure
 * and no reject function per waiter, AsyncLocalStorage and traces preserved.
 */
export class Waiter extends WaitEntry implements SequencedEntry {
  resolve!: (value: unknown) => void;
  reject: ((error: unknown) => void) | undefined = undefined;
  constructor(
    signal: AbortSignal | undefined,
    enqueuedAt: number,
    readonly task: Task | undefined,
    /** Arrival number in its bulkhead: smaller is older (priority levels, starvation, drop-oldest). */
    readonly sequence: number,
  ) {
    super(signal, enqueuedAt);
  }

  /** Rejects the waiting call with `error`. */
  refuse(error: unknown): void {
    if (this.reject === undefined) this.resolve(new Refusal(error));
    else this.reject(error);
  }
}

/** Why a queued `execute()` call was refused; its reaction rethrows `error` to the caller. */
export class Refusal {
  constructor(readonly error: unknown) {}
}

/** When a queued `execute()` call was admitted; made only while somebody listens to `finished`. */
export class Admission {
  constructor(
    readonly waiter: Waiter,
    readonly admittedAt: number,
    readonly waitTime: number,
  ) {}
}

/** The waiter whose promise is being created: the executors below store its settle functions. */
let capturedWaiter: Waiter | undefined;

/** Executor of an `acquire()` waiter's promise (no closure per waiter). */
function captureSettlers(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  capturedWaiter!.resolve = resolve;
  capturedWaiter!.reject = reject;
}

/** Executor of an `execute()` waiter's promise: its reject function is not kept (`Refusal` does its job). */
function captureResolve(resolve: (value: unknown) => void): void {
  capturedWaiter!.resolve = resolve;
}

/**
 * The promise a waiter settles: an `acquire()` waiter keeps both settle functions, an `execute()` waiter only
 * `resolve` (60 bytes less per queued call).
 */
export function settlementOf(waiter: Waiter): Promise<unknown> {
  capturedWaiter = waiter;
  try {
    return new Promise<unknown>(waiter.task === undefined ? captureSettlers : captureResolve);
  } finally {
    capturedWaiter = undefined;
  }
}
