import type { AcquireOptions } from '../bulkhead.js';
import type { CallPriority } from '../waiting/queue-policy.js';

/** Options of `KeyedBulkhead.acquire()` and `execute()`. */
export interface KeyedCallOptions extends AcquireOptions {
  /** Order among the key's waiters (default `normal`; every 4th admission goes to the key's oldest waiter). */
  priority?: CallPriority;
  /** The key, for the `Bulkhead` forms `execute(fn, { key })` and `acquire({ key })` (ignored in the keyed forms). */
  key?: string;
}

/** The keys a call's options may have. */
export const KEYED_CALL_OPTION_KEYS = ['timeout', 'signal', 'priority', 'key'] as const;

/** The key of the `Bulkhead` forms (validated by the admission, which names `key`). */
export function keyOf(options: KeyedCallOptions | undefined): string {
  return (typeof options === 'object' && options !== null ? options.key : undefined) as string;
}
