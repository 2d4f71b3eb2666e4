import type { ExecutionContext, ProtectedFunction } from '../bulkhead.js';
import { callProtected } from '../protected-call.js';
import type { CallOutcome } from '../vocabulary.js';

/** Gives a slot back with the call's admission time (-1: unobserved), wait time and outcome. */
export type SlotRelease = (admittedAt: number, waitTime: number, outcome: CallOutcome) => void;

/**
 * Runs `task(context)` and settles through `onSuccess` / `onFailure` (a bulkhead's prebound releases), a
 * synchronous throw included, so the release always runs in a later microtask: admissions never recurse.
 * (`callProtected` with the release attached: no Permit object, no closure per call.)
 */
export function runReleasing<T>(
  task: ProtectedFunction<T>,
  context: ExecutionContext,
  onSuccess: (value: T) => T,
  onFailure: (error: unknown) => never,
): Promise<T> {
  let result: T | PromiseLike<T>;
  try {
    result = task(context);
  } catch (error) {
    result = Promise.reject(error);
  }
  return Promise.resolve(result).then(onSuccess, onFailure);
}

/** The run taken while somebody listens to `finished`: `release` gets the admission time and the outcome. */
export async function runObserved<T>(
  task: ProtectedFunction<T>,
  context: ExecutionContext,
  admittedAt: number,
  waitTime: number,
  release: SlotRelease,
): Promise<T> {
  let outcome: CallOutcome = 'failure';
  try {
    const value = await callProtected(task, context);
    outcome = 'success';
    return value;
  } finally {
    release(admittedAt, waitTime, outcome);
  }
}
