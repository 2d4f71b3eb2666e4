import type { ExecutionContext, ProtectedFunction } from './bulkhead.js';

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
