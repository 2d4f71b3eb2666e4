import type { BulkheadState } from '../state.js';

/** One key's counters in `KeyedBulkheadState.keys` (listed only with `perKeyState: true`). */
export interface KeyState {
  readonly active: number;
  readonly waiting: number;
  readonly rejected: number;
}

/**
 * `BulkheadState` of a keyed bulkhead, aggregated over its live keys: `maxConcurrent` is
 * `perKey.maxConcurrent` times the live keys; counters cover every key since construction.
 */
export interface KeyedBulkheadState extends BulkheadState {
  readonly type: 'keyed';
  /** Keys with a compartment now. */
  readonly keyCount: number;
  readonly maxKeys: number;
  /** Compartments evicted so far (idle timeout, or the least recently used idle one at `maxKeys`). */
  readonly evictedKeys: number;
  readonly perKey: { readonly maxConcurrent: number; readonly maxQueue: number };
  /** Each live key's counters; present only with `perKeyState: true`. */
  readonly keys?: Readonly<Record<string, KeyState>>;
}
