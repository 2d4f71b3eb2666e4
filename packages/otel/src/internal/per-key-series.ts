import type { KeyedBulkheadState, KeyState } from '@x/bulkhead-core';
import { describeValue, validateInteger, validateKnownKeys } from '@x/bulkhead-core/extension';
import type { KeyRow } from './compartment-labels.js';

/** The opt-in per-key series of keyed bulkheads: `true` (at most 100 keys each) or `{ maxKeys }`. */
export type PerKeySeriesOption = boolean | { readonly maxKeys: number };

/** Keys of one keyed bulkhead that get their own series by default when `perKeySeries: true`. */
export const DEFAULT_PER_KEY_SERIES_MAX_KEYS = 100;

/**
 * Validates `options.perKeySeries`: the cap on keyed series per keyed bulkhead, or 0 when off (default).
 * @throws {TypeError | RangeError} naming `options.perKeySeries` (or its unknown key).
 */
export function validatePerKeySeries(value: unknown): number {
  if (value === undefined || value === false) return 0;
  if (value === true) return DEFAULT_PER_KEY_SERIES_MAX_KEYS;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `options.perKeySeries must be a boolean or an object { maxKeys }, got ${describeValue(value)}`,
    );
  }
  validateKnownKeys(value, ['maxKeys'], 'options.perKeySeries');
  const maxKeys = (value as { maxKeys?: unknown }).maxKeys;
  if (maxKeys === undefined) return DEFAULT_PER_KEY_SERIES_MAX_KEYS;
  return validateInteger('perKeySeries.maxKeys', maxKeys, 1);
}

/** What happens to the series of an evicted key. */
export type EvictedKeySeries = 'drop' | 'zero';

const IDLE: KeyState = Object.freeze({ active: 0, waiting: 0, rejected: 0 });

/**
 * Chooses which keys of one keyed bulkhead get their own series, at most `maxKeys`: a key keeps its series
 * while it lives (no flapping) and free slots go to live keys in the order state lists them (oldest
 * compartment first). A key `getState()` no longer lists (evicted) either loses its series and frees the
 * slot (`drop`: Prometheus, whose series vanish when not collected), or keeps it for good with
 * `active` = `waiting` = 0 and its last `rejected` (`zero`: OpenTelemetry, whose JS SDK keeps exporting an
 * attribute set it saw once under cumulative temporality, so a freed slot would only add stale points).
 */
export class KeySeriesSelection {
  readonly #maxKeys: number;
  readonly #evicted: EvictedKeySeries;
  readonly #chosen = new Map<string, KeyState>();
  #warned = false;

  constructor(maxKeys: number, evicted: EvictedKeySeries) {
    this.#maxKeys = maxKeys;
    this.#evicted = evicted;
  }

  /**
   * The rows to export for this sample of `state`; none (after one process warning) when the bulkhead
   * does not list its keys, which takes `perKeyState: true` on the `KeyedBulkhead`.
   */
  select(state: KeyedBulkheadState): KeyRow[] {
    const keys = state.keys;
    if (keys === undefined) {
      this.#warnOnce(state.name);
      return [];
    }
    for (const [key, last] of this.#chosen) {
      if (Object.hasOwn(keys, key)) continue;
      if (this.#evicted === 'drop') this.#chosen.delete(key);
      else if (last.active !== 0 || last.waiting !== 0)
        this.#chosen.set(key, { ...IDLE, rejected: last.rejected });
    }
    for (const key in keys) {
      if (this.#chosen.size >= this.#maxKeys) break;
      if (!this.#chosen.has(key)) this.#chosen.set(key, IDLE);
    }
    const rows: KeyRow[] = [];
    for (const [key, last] of this.#chosen) {
      const live = keys[key];
      if (live !== undefined) this.#chosen.set(key, live);
      rows.push([key, live ?? last]);
    }
    return rows;
  }
  #warnOnce(name: string): void {
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(
      `keyed bulkhead '${name}' does not list its keys in getState(); create it with perKeyState: true ` +
        'to get the per-key series of options.perKeySeries (its aggregated series are unaffected)',
      'BulkheadInstrumentationWarning',
    );
  }
}
