import type { ExecutionContext, ProtectedFunction } from './bulkhead.js';
import { validateFunction } from './internal/validate.js';

/**
 * The context a protected function receives. Its `signal` is the caller's, or one of the call's own,
 * created on first read (so the fast path allocates no `AbortController` for calls that never read it).
 * No two calls ever share a signal the bulkhead made, so a listener one call leaves on it stays with it.
 */
export class CallContext implements ExecutionContext {
  #signal: AbortSignal | undefined;

  /** @param signal the caller's signal, passed on as is; omitted: the call gets its own. */
  constructor(signal?: AbortSignal) {
    this.#signal = signal;
  }

  /** The call's signal; pass it on to cancellable work. */
  get signal(): AbortSignal {
    this.#signal ??= new AbortController().signal;
    return this.#signal;
  }
}

/**
 * Calls `fn(context)` and returns its result as a promise; a synchronous throw becomes a rejection, so a
 * bulkhead's release path runs the same way whatever `fn` does. `context` defaults to a new `CallContext`.
 */
export function callProtected<T>(
  fn: ProtectedFunction<T>,
  context: ExecutionContext = new CallContext(),
): Promise<T> {
  try {
    return Promise.resolve(fn(context));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Something with an `execute(task, options)`: every kind of bulkhead. */
export interface Executor<Options> {
  execute<T>(task: () => T | PromiseLike<T>, options?: Options): Promise<T>;
}

/**
 * What every bulkhead's `wrap()` returns: `fn` behind `executor.execute(..., options)`, with the call's `this` and
 * arguments passed through.
 * @throws {TypeError} when `fn` is not a function.
 */
export function protectFunction<Arguments extends unknown[], T, Options>(
  executor: Executor<Options>,
  fn: (...args: Arguments) => T | PromiseLike<T>,
  options?: Options,
): (...args: Arguments) => Promise<T> {
  validateFunction('fn', fn);
  return function protectedCall(this: unknown, ...args: Arguments): Promise<T> {
    return executor.execute(() => fn.apply(this, args), options);
  };
}
