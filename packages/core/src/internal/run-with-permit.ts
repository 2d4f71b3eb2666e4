import type { ExecutionContext, ProtectedFunction } from '../bulkhead.js';
import type { Permit } from '../permit.js';
import { callProtected } from '../protected-call.js';

/** Runs `task(context)` and releases `permit` exactly once when it settles (a synchronous throw included). */
export async function runWithPermit<T>(
  task: ProtectedFunction<T>,
  context: ExecutionContext,
  permit: Permit,
): Promise<T> {
  let value: T;
  try {
    value = await callProtected(task, context);
  } catch (error) {
    permit.release('failure');
    throw error;
  }
  permit.release('success');
  return value;
}
