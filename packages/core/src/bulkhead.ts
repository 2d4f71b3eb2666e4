import type { BulkheadEventListener, BulkheadEventName } from './events.js';
import type { Permit } from './permit.js';
import type { BulkheadState } from './state.js';
import type { BulkheadType } from './vocabulary.js';

export type { BulkheadType, CallOutcome, RejectionReason } from './vocabulary.js';

/** Options of `acquire()`. */
export interface AcquireOptions {
  /**
   * Milliseconds to wait for a permit in FIFO order. Omitted: immediate verdict.
   * `Infinity`: wait without any timer.
   */
  timeout?: number;
  /** Aborting removes the waiter from the queue at once and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of `execute()`; same as `acquire()`. */
export interface ExecuteOptions extends AcquireOptions {}

/** What a protected function receives. */
export interface ExecutionContext {
  /** The caller's signal, or one of the call's own (never shared with another call); pass it on to cancellable work. */
  readonly signal: AbortSignal;
}

/** A function a bulkhead can protect. */
export type ProtectedFunction<T> = (context: ExecutionContext) => T | PromiseLike<T>;

/**
 * The contract shared by every kind of bulkhead (semaphore, thread pool, shared):
 * registries, policies, decorators, adapters and the admin API rely only on this.
 */
export interface Bulkhead {
  /** Unique compartment name. */
  readonly name: string;
  /** Kind of compartment. */
  readonly type: BulkheadType;
  /** Waits for (or immediately grants) a permit; see `AcquireOptions`. */
  acquire(options?: AcquireOptions): Promise<Permit>;
  /** Runs `fn` inside a permit and always releases it. */
  execute<T>(fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T>;
  /** Returns `fn` protected by this bulkhead. */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): (...args: Arguments) => Promise<T>;
  /** A plain snapshot of the compartment. */
  getState(): BulkheadState;
  /** Subscribes to an event; returns a disposer that unsubscribes. */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void;
}

/**
 * A bulkhead that can give a verdict synchronously (in-process admission). Not part of `Bulkhead`: a
 * compartment coordinated over a network (Redis) cannot; `acquire()` without `timeout` is the portable
 * immediate verdict.
 */
export interface SynchronousBulkhead extends Bulkhead {
  /** Synchronous verdict: a permit now, or `undefined` (counted as a rejection). */
  tryAcquire(): Permit | undefined;
}

/** A bulkhead whose limit can change at run time. */
export interface ResizableBulkhead extends Bulkhead {
  /** Changes the limit in place; growing admits waiters at once, shrinking never cancels in-flight work. */
  resize(maxConcurrent: number): void;
}

/** A bulkhead that can be shut down. */
export interface ClosableBulkhead extends Bulkhead {
  /** Stops admitting, settles every queued call with `BulkheadClosedError`, resolves once in-flight work is done. */
  close(): Promise<void>;
}
