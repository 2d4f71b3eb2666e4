import {
  type AcquireOptions,
  type Bulkhead,
  BulkheadEventEmitter,
  type BulkheadEventListener,
  type BulkheadEventMap,
  type BulkheadEventName,
  type BulkheadState,
  createBulkheadState,
  type ExecuteOptions,
  type Permit,
  type ProtectedFunction,
  SemaphoreBulkhead,
} from '@x/bulkhead-core';

/**
 * A test double with `type: 'thread_pool'` implementing the `Bulkhead` contract: calls run on an
 * inner semaphore, state carries thread-pool fields, and tests can emit events with chosen times.
 */
export class StubThreadPool implements Bulkhead {
  readonly type = 'thread_pool' as const;
  readonly events = new BulkheadEventEmitter();
  readonly #inner: SemaphoreBulkhead;
  poolSize: number;
  readonly queueCapacity: number;

  constructor(
    readonly name: string,
    options: { maxWorkers: number; queueCapacity: number },
  ) {
    this.#inner = new SemaphoreBulkhead(name, {
      maxConcurrent: options.maxWorkers,
      maxQueue: options.queueCapacity,
    });
    this.poolSize = options.maxWorkers;
    this.queueCapacity = options.queueCapacity;
    for (const event of ['permitted', 'rejected', 'finished'] as const) {
      this.#inner.on(event, (payload) => {
        if (this.events.has(event)) this.emit(event, { ...payload, bulkheadType: 'thread_pool' });
      });
    }
  }

  /** Emits `payload` to this bulkhead's listeners as if a call produced it. */
  emit<Name extends BulkheadEventName>(event: Name, payload: BulkheadEventMap[Name]): void {
    this.events.emit(event, payload);
  }

  acquire(options?: AcquireOptions): Promise<Permit> {
    return this.#inner.acquire(options);
  }

  tryAcquire(): Permit | undefined {
    return this.#inner.tryAcquire();
  }

  execute<T>(fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T> {
    return this.#inner.execute(fn, options);
  }

  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    return (...args: Arguments) => this.execute(() => fn(...args), options);
  }

  getState(): BulkheadState {
    const inner = this.#inner.getState();
    return createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: inner.maxConcurrent,
      activeCount: inner.activeCount,
      waitingCount: inner.waitingCount,
      maxQueue: inner.maxQueue,
      rejectedCount: inner.rejectedCount,
      admittedCount: inner.totalCalls - inner.rejectedCount,
      successfulCalls: inner.successfulCalls,
      failedCalls: inner.failedCalls,
      lastRejectionTime: inner.lastRejectionTime,
      closed: inner.closed,
      queueCapacity: this.queueCapacity,
      poolSize: this.poolSize,
    });
  }

  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.events.on(event, listener);
  }
}

/** A promise with its resolver, for deterministic barriers. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Creates a `Deferred`. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** Lets every queued microtask and a macrotask turn run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
