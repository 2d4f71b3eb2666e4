import type { Bulkhead, ClosableBulkhead, ExecuteOptions, ProtectedFunction } from '../bulkhead.js';
import type { BulkheadEventListener, BulkheadEventName } from '../events.js';
import { CallOptionReader } from '../internal/call-option-reader.js';
import { describe, validateName } from '../internal/validate.js';
import type { Permit } from '../permit.js';
import { CallContext, type Executor, protectFunction } from '../protected-call.js';
import type { BulkheadState } from '../state.js';
import { KeyAdmission } from './key-admission.js';
import { KeyBulkhead } from './key-bulkhead.js';
import { KEYED_CALL_OPTION_KEYS, type KeyedCallOptions, keyOf } from './keyed-call-options.js';
import { type KeyedBulkheadOptions, resolveKeyedOptions } from './keyed-options.js';
import { keyedState, keyState } from './keyed-snapshot.js';
import type { KeyedBulkheadState } from './keyed-state.js';

export type { KeyedCallOptions } from './keyed-call-options.js';

/**
 * A compartment per key (tenant, customer, origin), created on first use and evicted after `idleTimeout`
 * with nothing active or waiting (one timer for all keys). At most `maxKeys` live: a new key past it
 * evicts the least recently used idle key, or is rejected (`queue_full`) when none is idle. With `global`,
 * each call takes its key's permit first, then the global one; a global rejection gives the key's permit
 * back at once. Events and state are aggregated over keys (cardinality-safe).
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class KeyedBulkhead implements Bulkhead, ClosableBulkhead {
  readonly name: string;
  readonly type = 'keyed' as const;
  readonly #admission: KeyAdmission;
  readonly #options = new CallOptionReader(KEYED_CALL_OPTION_KEYS);

  constructor(name: string, options: KeyedBulkheadOptions) {
    this.name = validateName('name', name);
    this.#admission = new KeyAdmission(this, resolveKeyedOptions(options));
  }

  /** `perKey.maxConcurrent` times the live keys (the capacity of the compartments that exist now). */
  get maxConcurrent(): number {
    return this.#admission.options.maxConcurrent * this.#admission.compartments.size;
  }

  /** Calls holding a key's permit now, over all keys. */
  get activeCount(): number {
    return this.#admission.active;
  }

  /** Calls waiting for a key's permit now, over all keys. */
  get waitingCount(): number {
    return this.#admission.waiting;
  }

  /** Keys with a compartment now. */
  get keyCount(): number {
    return this.#admission.compartments.size;
  }

  /**
   * Resolves to a permit of `key`'s compartment (and of `global`, when given). Without `timeout` the
   * verdict is immediate; with one the call waits in FIFO order within its key, the global wait included.
   * @throws {TypeError} (rejection) unless `key` is a non-empty string.
   * @throws {BulkheadFullError} (rejection) `queue_full`/`queue_timeout`; {BulkheadClosedError} after `close()`;
   * the global bulkhead's rejection as it is.
   */
  acquire(key: string, options?: KeyedCallOptions): Promise<Permit>;
  /** The `Bulkhead` form: `acquire({ key, ... })`; a missing key is a `TypeError` rejection. */
  acquire(options: KeyedCallOptions): Promise<Permit>;
  acquire(keyOrOptions: string | KeyedCallOptions | undefined, options?: KeyedCallOptions): Promise<Permit> {
    if (typeof keyOrOptions === 'string')
      return this.#admit(keyOrOptions, options, undefined) as Promise<Permit>;
    return this.#admit(keyOf(keyOrOptions), keyOrOptions, undefined) as Promise<Permit>;
  }

  /**
   * Runs `fn({ signal })` inside a permit of `key` (and of `global`) and always releases both.
   * @throws the same rejections as `acquire()`; errors of `fn` propagate unchanged.
   */
  execute<T>(key: string, fn: ProtectedFunction<T>, options?: KeyedCallOptions & ExecuteOptions): Promise<T>;
  /** The `Bulkhead` form: `execute(fn, { key, ... })`; a missing key is a `TypeError` rejection. */
  execute<T>(fn: ProtectedFunction<T>, options: KeyedCallOptions & ExecuteOptions): Promise<T>;
  execute<T>(
    keyOrFn: string | ProtectedFunction<T>,
    fnOrOptions?: ProtectedFunction<T> | (KeyedCallOptions & ExecuteOptions),
    options?: KeyedCallOptions & ExecuteOptions,
  ): Promise<T> {
    if (typeof keyOrFn === 'function') {
      const callOptions = fnOrOptions as (KeyedCallOptions & ExecuteOptions) | undefined;
      return this.#admit(
        keyOf(callOptions),
        callOptions,
        keyOrFn as ProtectedFunction<unknown>,
      ) as Promise<T>;
    }
    const key = keyOrFn;
    const fn = fnOrOptions;
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`fn must be a function, got ${describe(fn)}`));
    }
    // Fast path (a live key with a free permit, nobody waiting, no options): no option checks.
    const admission = this.#admission;
    if (options === undefined && !admission.closed && typeof key === 'string') {
      const compartment = admission.compartments.get(key);
      if (compartment !== undefined && admission.hasRoom(compartment)) {
        admission.take(compartment);
        return admission.start(compartment, fn, new CallContext(), undefined, undefined, -1) as Promise<T>;
      }
    }
    return this.#admit(key, options, fn) as Promise<T>;
  }

  /**
   * Returns `fn` protected by the compartment of `options.key` (`forKey(key).wrap(fn)` is the same).
   * @throws {TypeError} when `fn` is not a function.
   */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: KeyedCallOptions & ExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    return protectFunction(this as Executor<KeyedCallOptions & ExecuteOptions>, fn, options);
  }

  /**
   * The `Bulkhead` of one key (for registries, policies, the decorator, the HTTP guard). Its compartment
   * is still created on first use and evicted when idle; the view itself holds nothing.
   * @throws {TypeError} unless `key` is a non-empty string.
   */
  forKey(key: string): Bulkhead {
    validateName('key', key);
    return new KeyBulkhead(this, key);
  }

  /** A frozen snapshot aggregated over keys; each key listed only with `perKeyState: true`. */
  getState(): KeyedBulkheadState {
    return keyedState(this.name, this.#admission);
  }

  /**
   * The state of one key's compartment (all zeros for a key without one; counters restart after eviction).
   * @throws {TypeError} unless `key` is a non-empty string.
   */
  keyState(key: string, name = `${this.name}/${key}`): BulkheadState {
    validateName('key', key);
    return keyState(name, key, this.#admission);
  }

  /**
   * Subscribes to `permitted`, `rejected` or `finished` of every key (named after this bulkhead, never the
   * key); returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#admission.events.on(event, listener);
  }

  /**
   * Stops admitting: every queued and later call rejects with `BulkheadClosedError`. Resolves once every
   * permit was released; then every compartment is dropped. Idempotent.
   */
  close(): Promise<void> {
    return this.#admission.close();
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#admission.closed;
  }

  /** Validates `key` and the options, then admits, rejects or queues the call (`task` undefined: an `acquire()`). */
  #admit(
    key: string,
    options: KeyedCallOptions | undefined,
    task: ProtectedFunction<unknown> | undefined,
  ): Promise<unknown> {
    const reader = this.#options;
    try {
      validateName('key', key);
      reader.checkKeys(options);
      reader.read(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#admission.admit(key, reader.timeout, reader.signal, reader.level, task);
  }
}
