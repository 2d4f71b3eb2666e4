import type {
  AcquireOptions,
  Bulkhead,
  BulkheadEventListener,
  BulkheadEventName,
  BulkheadState,
  BulkheadType,
  ExecuteOptions,
  Permit,
  ProtectedFunction,
} from '@x/bulkhead-core';

/**
 * A `Bulkhead` that looks its target up on every call, so a decorator applied at module load (before
 * `init()`) uses whatever compartment is current when the call happens.
 */
export class DeferredBulkhead implements Bulkhead {
  readonly name: string;
  readonly #resolve: () => Bulkhead;

  constructor(name: string, resolve: () => Bulkhead) {
    this.name = name;
    this.#resolve = resolve;
  }

  get type(): BulkheadType {
    return this.#resolve().type;
  }

  acquire(options?: AcquireOptions): Promise<Permit> {
    try {
      return this.#resolve().acquire(options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  execute<T>(fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T> {
    try {
      return this.#resolve().execute(fn, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    return (...args: Arguments) => this.execute(() => fn(...args), options);
  }

  getState(): BulkheadState {
    return this.#resolve().getState();
  }

  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#resolve().on(event, listener);
  }
}
