import type { CallPriority } from '../waiting/queue-policy.js';
import { priorityLevel } from '../waiting/queue-policy.js';
import { validateKnownKeys, validateOptionsObject, validateSignal, validateTimeout } from './validate.js';

/** The per-call options every bulkhead with per-compartment queues takes. */
export interface WaitingCallOptions {
  timeout?: number;
  signal?: AbortSignal;
  priority?: CallPriority;
}

/**
 * Checks the per-call options of a bulkhead with per-compartment queues (its known keys, `timeout`, `signal`,
 * `priority`) without allocating, and holds what `read()` found until the next `read()`: copy the fields
 * out before anything can call back into the bulkhead.
 */
export class CallOptionReader {
  /** The validated `timeout`, or `undefined`. */
  timeout: number | undefined = undefined;
  /** The validated `signal`, or `undefined`. */
  signal: AbortSignal | undefined = undefined;
  /** The priority level (see `priorityLevel`). */
  level = 1;
  readonly #known: readonly string[];
  /** The options object whose keys were checked last: callers pass one object again and again. */
  #checked: object | undefined = undefined;

  constructor(known: readonly string[]) {
    this.#known = known;
  }

  /** True when `options` has only known keys (the object checked last is not walked again). */
  hasOnlyKnownKeys(options: object): boolean {
    if (options === this.#checked) return true;
    for (const key in options) if (!this.#known.includes(key)) return false;
    this.#checked = options;
    return true;
  }

  /**
   * Checks that `options` is `undefined` or an object with only known keys.
   * @throws {TypeError} naming `options` or the unknown key.
   */
  checkKeys(options: unknown): void {
    validateOptionsObject('options', options);
    if (options !== undefined && !this.hasOnlyKnownKeys(options as object)) {
      validateKnownKeys(options as object, this.#known);
    }
  }

  /**
   * Reads `timeout`, `signal` and `priority` of options whose keys were checked.
   * @throws {TypeError | RangeError} naming the option that is invalid.
   */
  read(options: WaitingCallOptions | undefined): void {
    this.timeout = undefined;
    this.signal = undefined;
    this.level = 1;
    if (options === undefined) return;
    if (options.timeout !== undefined) this.timeout = validateTimeout('timeout', options.timeout);
    if (options.signal !== undefined) this.signal = validateSignal('signal', options.signal);
    this.level = priorityLevel(options.priority);
  }
}
