import type { AsyncLocalStorage } from 'node:async_hooks';
import type { ContextPropagator } from './context-propagator.js';
import { describe, validateFunction, validateKnownKeys, validateName } from './internal/validate.js';

const KNOWN_OPTIONS = ['name', 'storage', 'serialize', 'deserialize'];

/** Options of `asyncLocalStoragePropagator()`. */
export interface AsyncLocalStoragePropagatorOptions<Store, Value> {
  /** Unique propagator name, the same in the caller and the worker. */
  name: string;
  /** The storage: the caller thread reads its store, the worker runs the task inside `storage.run()`. */
  storage: AsyncLocalStorage<Store>;
  /** Turns the store into a structured-cloneable value (default: the store itself). */
  serialize?: (store: Store) => Value;
  /** Rebuilds the store in the worker (default: the value itself). */
  deserialize?: (value: Value) => Store;
}

/**
 * A propagator that carries an `AsyncLocalStorage` store into worker tasks. Create it in a module
 * both threads import, and list it in the worker module's `contextPropagators` export.
 * @throws {TypeError | RangeError} when `name`, `storage`, `serialize` or `deserialize` is invalid.
 */
export function asyncLocalStoragePropagator<Store, Value = Store>(
  options: AsyncLocalStoragePropagatorOptions<Store, Value>,
): ContextPropagator<Value> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  validateKnownKeys(options, KNOWN_OPTIONS);
  const name = validateName('options.name', options.name);
  const { storage, serialize, deserialize } = options;
  if (typeof storage !== 'object' || storage === null || typeof storage.run !== 'function') {
    throw new TypeError(`options.storage must be an AsyncLocalStorage, got ${describe(storage)}`);
  }
  if (serialize !== undefined) validateFunction('options.serialize', serialize);
  if (deserialize !== undefined) validateFunction('options.deserialize', deserialize);
  return Object.freeze({
    name,
    capture(): Value | undefined {
      const store = storage.getStore();
      if (store === undefined) return undefined;
      return serialize === undefined ? (store as unknown as Value) : serialize(store);
    },
    restore<Result>(value: Value, run: () => Result): Result {
      const store = deserialize === undefined ? (value as unknown as Store) : deserialize(value);
      return storage.run(store, run);
    },
  });
}
