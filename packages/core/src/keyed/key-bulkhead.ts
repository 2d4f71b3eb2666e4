import type { AcquireOptions, Bulkhead, ExecuteOptions, ProtectedFunction } from '../bulkhead.js';
import type { BulkheadEventListener, BulkheadEventName } from '../events.js';
import { validateFunction } from '../internal/validate.js';
import type { Permit } from '../permit.js';
import { protectFunction } from '../protected-call.js';
import type { BulkheadState } from '../state.js';
import type { KeyedBulkhead } from './keyed-bulkhead.js';

/**
 * One key of a `KeyedBulkhead` as a `Bulkhead` (named `<keyed name>/<key>`). It holds only the key: the
 * compartment is looked up (or created) per call, so a view never keeps an evicted compartment alive.
 */
export class KeyBulkhead implements Bulkhead {
  readonly name: string;
  readonly type = 'keyed' as const;
  readonly #keyed: KeyedBulkhead;
  readonly #key: string;

  constructor(keyed: KeyedBulkhead, key: string) {
    this.#keyed = keyed;
    this.#key = key;
    this.name = `${keyed.name}/${key}`;
  }

  /** The key this view stands for. */
  get key(): string {
    return this.#key;
  }

  /** `KeyedBulkhead.acquire()` for this key. */
  acquire(options?: AcquireOptions): Promise<Permit> {
    return this.#keyed.acquire(this.#key, options);
  }

  /** `KeyedBulkhead.execute()` for this key. */
  execute<T>(fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T> {
    return this.#keyed.execute(this.#key, fn, options);
  }

  /**
   * Returns `fn` protected by this key's compartment.
   * @throws {TypeError} when `fn` is not a function.
   */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    return protectFunction(this, fn, options);
  }

  /** The key's own counters (they restart when its compartment is evicted). */
  getState(): BulkheadState {
    return this.#keyed.keyState(this.#key, this.name);
  }

  /**
   * Subscribes to the events of this key's calls (named after the keyed bulkhead, with `key` set); returns a
   * disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    validateFunction('listener', listener);
    const key = this.#key;
    return this.#keyed.on(event, (payload) => {
      if (payload.key === key) listener(payload);
    });
  }
}
