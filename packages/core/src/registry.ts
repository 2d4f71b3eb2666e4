import type { Bulkhead } from './bulkhead.js';
import { BulkheadError, BulkheadNotFoundError } from './errors.js';
import { getGlobalSlot } from './internal/global-slot.js';
import { reportListenerFailure } from './internal/report-listener-failure.js';
import { validateName } from './internal/validate.js';
import { isBulkhead } from './is-bulkhead.js';
import { getBulkheadLogger } from './logger.js';
import type { BulkheadRegistryLike, GetOrCreateOptions, RegistryChange } from './registry-contract.js';
import { differingOptions, validateGetOrCreateOptions } from './registry-options.js';
import { SemaphoreBulkhead } from './semaphore-bulkhead.js';
import type { BulkheadState } from './state.js';

/**
 * The OSS registry: named compartments created on demand, strict lookups, change notifications.
 * Adapters registered early still see compartments created later through `onChange`.
 */
export class BulkheadRegistry implements BulkheadRegistryLike {
  readonly #bulkheads = new Map<string, Bulkhead>();
  #listeners: Array<(change: RegistryChange) => void> = [];
  readonly #warnedAbout = new WeakSet<Bulkhead>();

  /**
   * Adds `bulkhead` under its name.
   * @throws {TypeError} if it is not a bulkhead; {BulkheadError} if the name is taken by another bulkhead.
   */
  register(bulkhead: Bulkhead): Bulkhead {
    if (!isBulkhead(bulkhead)) throw new TypeError('bulkhead must implement the Bulkhead contract');
    const existing = this.#bulkheads.get(bulkhead.name);
    if (existing === bulkhead) return bulkhead;
    if (existing !== undefined) {
      throw new BulkheadError(
        `A bulkhead named '${bulkhead.name}' is already registered; unregister it first`,
      );
    }
    this.#bulkheads.set(bulkhead.name, bulkhead);
    this.#notify({ kind: 'added', bulkhead });
    return bulkhead;
  }

  /**
   * Puts `bulkhead` in place of the registered one of the same name, keeping its position (or adds it);
   * listeners hear `removed` then `added`. Returns the bulkhead it replaced, if any.
   * @throws {TypeError} if it is not a bulkhead.
   */
  replace(bulkhead: Bulkhead): Bulkhead | undefined {
    if (!isBulkhead(bulkhead)) throw new TypeError('bulkhead must implement the Bulkhead contract');
    const existing = this.#bulkheads.get(bulkhead.name);
    if (existing === bulkhead) return undefined;
    this.#bulkheads.set(bulkhead.name, bulkhead);
    if (existing !== undefined) this.#notify({ kind: 'removed', bulkhead: existing });
    this.#notify({ kind: 'added', bulkhead });
    return existing;
  }

  /**
   * Strict lookup.
   * @throws {BulkheadNotFoundError} when `name` is not registered (the message lists the known names).
   */
  get(name: string): Bulkhead {
    const bulkhead = this.#bulkheads.get(name);
    if (bulkhead === undefined) {
      throw new BulkheadNotFoundError({ bulkheadName: String(name), registeredNames: this.listNames() });
    }
    return bulkhead;
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.#bulkheads.has(name);
  }

  /**
   * Returns the named bulkhead, creating a `SemaphoreBulkhead` with `options` on first use. On an existing
   * compartment the options are still validated, and options that differ from it are logged once (warning
   * `registry.options_ignored`) and ignored.
   * @throws {TypeError | RangeError} for invalid or unknown options; {TypeError} for a type other than `semaphore`.
   */
  getOrCreate(name: string, options: GetOrCreateOptions = {}): Bulkhead {
    validateName('name', name);
    validateGetOrCreateOptions(options);
    const existing = this.#bulkheads.get(name);
    if (existing !== undefined) {
      this.#warnIfDifferent(existing, options);
      return existing;
    }
    if (options.type !== undefined && options.type !== 'semaphore') {
      throw new TypeError(
        `options.type '${options.type}' is not available in the OSS registry; create the bulkhead yourself and register() it`,
      );
    }
    const { type: _type, ...bulkheadOptions } = options;
    return this.register(new SemaphoreBulkhead(name, bulkheadOptions));
  }

  /** Logs (once per compartment) that `getOrCreate` options differing from the existing compartment were ignored. */
  #warnIfDifferent(existing: Bulkhead, options: GetOrCreateOptions): void {
    if (this.#warnedAbout.has(existing)) return;
    const differences = differingOptions(existing, options);
    if (differences === undefined) return;
    this.#warnedAbout.add(existing);
    try {
      getBulkheadLogger().warn(
        { event: 'registry.options_ignored', bulkheadName: existing.name, ...differences },
        `getOrCreate('${existing.name}') options differ from the existing compartment's; the compartment is kept as it is`,
      );
    } catch {
      // Logging is best effort.
    }
  }

  /** Removes `name`; returns whether it was registered. */
  unregister(name: string): boolean {
    const bulkhead = this.#bulkheads.get(name);
    if (bulkhead === undefined) return false;
    this.#bulkheads.delete(name);
    this.#notify({ kind: 'removed', bulkhead });
    return true;
  }

  /** Registered names in registration order. */
  listNames(): string[] {
    return [...this.#bulkheads.keys()];
  }

  /** Every registered bulkhead. */
  list(): Bulkhead[] {
    return [...this.#bulkheads.values()];
  }

  /** Snapshot of every compartment, keyed by name. */
  getAllStates(): Record<string, BulkheadState> {
    const states: Record<string, BulkheadState> = {};
    for (const [name, bulkhead] of this.#bulkheads) states[name] = bulkhead.getState();
    return states;
  }

  /** Subscribes to additions and removals; returns a disposer. */
  onChange(listener: (change: RegistryChange) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((candidate) => candidate !== listener);
    };
  }

  #notify(change: RegistryChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        reportListenerFailure('A bulkhead registry listener', error);
      }
    }
  }
}

/** The process-wide registry: the PRO registry after a valid `init()`, else the OSS one (shared by every copy of core). */
export function getBulkheadRegistry(): BulkheadRegistryLike {
  const slot = getGlobalSlot();
  if (slot.registry !== undefined) return slot.registry;
  return getOssBulkheadRegistry();
}

/** The process-wide OSS registry, whatever the entitlement (PRO builds on it). */
export function getOssBulkheadRegistry(): BulkheadRegistryLike {
  const slot = getGlobalSlot();
  slot.ossRegistry ??= new BulkheadRegistry();
  return slot.ossRegistry;
}

/**
 * Installs `registry` as the process-wide registry (`undefined` restores the OSS one); used by
 * `@x/bulkhead-pro` after a valid `init()` and by tests.
 */
export function setBulkheadRegistry(registry: BulkheadRegistryLike | undefined): void {
  getGlobalSlot().registry = registry;
}
