import type { ExecutionContext, ProtectedFunction } from '../bulkhead.js';
import type { Permit } from '../permit.js';

/** The context of a call without a signal. */
export const NEVER_ABORTED_CONTEXT: ExecutionContext = Object.freeze({
  signal: new AbortController().signal,
});

/** Runs `task(context)` and releases `permit` exactly once when it settles (a synchronous throw included). */
export async function runWithPermit<T>(
  task: ProtectedFunction<T>,
  context: ExecutionContext,
  permit: Permit,
): Promise<T> {
  let value: T;
  try {
    value = await task(context);
  } catch (error) {
    permit.release('failure');
    throw error;
  }
  permit.release('success');
  return value;
}

/** The context handed to a protected function. */
export function contextOf(signal: AbortSignal | undefined): ExecutionContext {
  return signal === undefined ? NEVER_ABORTED_CONTEXT : { signal };
}
