import {
  type Bulkhead,
  BulkheadError,
  type BulkheadRegistryLike,
  type BulkheadState,
  type EntitlementLogger,
  type GetOrCreateOptions,
  getBulkheadLogger,
  isBulkhead,
  type RegistryChange,
} from '@x/bulkhead-core';
import { validateName } from '@x/bulkhead-core/extension';
import {
  type DrainOptions,
  type DrainResult,
  drainBulkheads,
  drainTimeout,
} from '../internal/drain-bulkheads.js';
import { createCompartment } from './compartment-factory.js';
import { CACHE_PREFIX, compartmentSettingsFor, DATABASE_PREFIX } from './compartment-settings.js';
import { CompartmentStore } from './compartment-store.js';
import { getConfigEventBus } from './config-events.js';
import { subscribeToConfigUpdates } from './config-updates.js';
import { OptionMismatchReporter } from './option-mismatch.js';
import {
  type ProBulkheadRegistryOptions,
  validateGetOrCreateOptions,
  validateRegistryOptions,
} from './pro-registry-options.js';
import {
  BUILT_IN_COMPARTMENTS,
  type BulkheadSettings,
  type BulkheadSettingsInput,
  type CompartmentSettings,
  isBuiltInCompartment,
} from './settings.js';
import { watchSettingsFile } from './settings-file-watcher.js';
import {
  mergeLayers,
  readInitialLayers,
  resolveSettingsFile,
  type SettingsLayers,
} from './settings-layers.js';
import { SETTINGS_FILE_ENVIRONMENT_VARIABLE } from './settings-sources.js';
import { SettingsAppliedListeners, type SettingsUpdate } from './settings-update.js';
import { validateSettingsInput } from './validate-settings.js';

export type { ProBulkheadRegistryOptions } from './pro-registry-options.js';
export type { SettingsUpdate } from './settings-update.js';

const PRO_REGISTRY_BRAND = Symbol.for('x.bulkhead.pro.registry');

/** True when `value` is a PRO registry (from any installed copy of this package). */
export function isProBulkheadRegistry(value: unknown): value is ProBulkheadRegistry {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[PRO_REGISTRY_BRAND] === true
  );
}

/**
 * The PRO registry: built-in compartments `database`, `cache`, `external_api` and `message_queue` always
 * present and sized from settings (object < JSON file < environment), per-alias compartments, live
 * resizing in place (`applySettings`, `CONFIG_UPDATED`, optional file watcher) and `drain()` for shutdown.
 * @throws {TypeError | RangeError} at construction when an option or a setting is invalid or unknown (the message names it).
 */
export class ProBulkheadRegistry implements BulkheadRegistryLike {
  readonly [PRO_REGISTRY_BRAND] = true;
  readonly #logger: EntitlementLogger;
  readonly #env: Record<string, string | undefined>;
  #layers: SettingsLayers;
  #settings: BulkheadSettings;
  readonly #compartments = new CompartmentStore();
  /** Disposers of `onChange` subscriptions, all called by `close()`. */
  readonly #changeSubscriptions = new Set<() => void>();
  readonly #settingsListeners = new SettingsAppliedListeners();
  readonly #optionMismatches: OptionMismatchReporter;
  #unsubscribeConfigEvents: (() => void) | undefined;
  #stopWatching: (() => void) | undefined;
  #closed = false;
  #draining = false;

  constructor(options: ProBulkheadRegistryOptions = {}) {
    validateRegistryOptions(options);
    this.#logger = options.logger ?? getBulkheadLogger();
    this.#env = options.env ?? process.env;
    this.#optionMismatches = new OptionMismatchReporter(this.#logger);
    const settingsFile = resolveSettingsFile(options.settingsFile, this.#env);
    if (options.watchSettingsFile === true && settingsFile === undefined) {
      throw new TypeError(
        `options.watchSettingsFile needs options.settingsFile (or ${SETTINGS_FILE_ENVIRONMENT_VARIABLE})`,
      );
    }
    this.#layers = readInitialLayers(options.settings, settingsFile);
    this.#settings = mergeLayers(this.#layers, this.#env);
    for (const name of BUILT_IN_COMPARTMENTS) {
      const bulkhead = createCompartment(name, this.#settings[name]);
      this.#compartments.own(bulkhead);
      this.#compartments.registered.register(bulkhead);
    }
    this.#unsubscribeConfigEvents = subscribeToConfigUpdates(
      options.configEvents ?? getConfigEventBus(),
      (settings) => this.applySettings(settings),
      this.#logger,
    );
    if (options.watchSettingsFile === true && settingsFile !== undefined) {
      this.#stopWatching = watchSettingsFile({
        file: settingsFile,
        current: this.#layers.file,
        apply: (file) => this.#reconfigure({ ...this.#layers, file }),
        logger: this.#logger,
      });
    }
  }

  /** The settings in force (defaults merged with every source). */
  get settings(): BulkheadSettings {
    return this.#settings;
  }

  /**
   * Adds `bulkhead`. Overriding a built-in is allowed (with a warning): the next settings reload
   * restores the settings-defined compartment.
   * @throws {TypeError} if it is not a bulkhead; {BulkheadError} if a non-built-in name is taken by another bulkhead.
   */
  register(bulkhead: Bulkhead): Bulkhead {
    if (!isBulkhead(bulkhead)) throw new TypeError('bulkhead must implement the Bulkhead contract');
    const { registered } = this.#compartments;
    const current = this.#compartments.current(bulkhead.name);
    if (!isBuiltInCompartment(bulkhead.name) || current === bulkhead) {
      if (current !== undefined && current !== bulkhead) {
        throw new BulkheadError(
          `A bulkhead named '${bulkhead.name}' is already registered; unregister it first`,
        );
      }
      return registered.register(bulkhead);
    }
    this.#logger.warn(
      { event: 'bulkhead.builtin_overridden', bulkheadName: bulkhead.name },
      `Built-in compartment '${bulkhead.name}' overridden by register(); the next settings reload restores the settings-defined one`,
    );
    registered.replace(bulkhead);
    return bulkhead;
  }

  /**
   * Strict lookup.
   * @throws {BulkheadNotFoundError} when `name` is not registered (the message lists the known names).
   */
  get(name: string): Bulkhead {
    return this.#compartments.registered.get(name);
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.#compartments.registered.has(name);
  }

  /**
   * Returns the named compartment, creating it on first use from `options`, else from
   * `settings.compartments[name]`, else as a semaphore of 10. A `thread_pool` needs a `workerFilename` in settings.
   * Options that differ from an existing compartment's are ignored, with one warning per compartment.
   * @throws {TypeError | RangeError} for invalid or unknown options; {BulkheadError} when `@x/bulkhead-threads` is missing.
   */
  getOrCreate(name: string, options: GetOrCreateOptions = {}): Bulkhead {
    validateName('name', name);
    validateGetOrCreateOptions(options);
    const existing = this.#compartments.current(name);
    if (existing !== undefined) {
      this.#optionMismatches.check(existing, options);
      return existing;
    }
    const template = compartmentSettingsFor(name, this.#settings);
    const type = (options.type as CompartmentSettings['type'] | undefined) ?? template?.type ?? 'semaphore';
    const workerFilename = template?.workerFilename;
    const queueOrder = options.queueOrder ?? template?.queueOrder;
    const onQueueFull = options.onQueueFull ?? template?.onQueueFull;
    if (type === 'thread_pool' && (queueOrder ?? onQueueFull) !== undefined) {
      throw new TypeError(
        `getOrCreate('${name}'): queueOrder and onQueueFull apply to 'semaphore' compartments only`,
      );
    }
    if (type === 'thread_pool' && workerFilename === undefined) {
      throw new TypeError(
        `getOrCreate('${name}', { type: 'thread_pool' }) needs settings.compartments.${name}.workerFilename: a thread pool runs a worker module`,
      );
    }
    const bulkhead = createCompartment(name, {
      type,
      maxConcurrent: options.maxConcurrent ?? template?.maxConcurrent ?? 10,
      maxQueue: options.maxQueue ?? template?.maxQueue ?? Number.POSITIVE_INFINITY,
      ...(workerFilename === undefined ? {} : { workerFilename }),
      ...(queueOrder === undefined ? {} : { queueOrder }),
      ...(onQueueFull === undefined ? {} : { onQueueFull }),
    });
    if (template !== undefined) this.#compartments.own(bulkhead);
    if (this.#draining) void (bulkhead as { close?: () => unknown }).close?.();
    return this.register(bulkhead);
  }

  /**
   * Removes `name`; returns whether it was registered.
   * @throws {RangeError} for a built-in compartment (resize it through settings instead).
   */
  unregister(name: string): boolean {
    if (isBuiltInCompartment(name)) {
      throw new RangeError(
        `'${name}' is a built-in compartment and cannot be unregistered; resize it through settings instead`,
      );
    }
    const bulkhead = this.#compartments.current(name);
    if (bulkhead === undefined) return false;
    this.#compartments.disown(name, bulkhead);
    return this.#compartments.registered.unregister(name);
  }

  /** Registered names in registration order. */
  listNames(): string[] {
    return this.#compartments.registered.listNames();
  }

  /** Every registered bulkhead. */
  list(): Bulkhead[] {
    return this.#compartments.registered.list();
  }

  /** Snapshot of every compartment, keyed by name. */
  getAllStates(): Record<string, BulkheadState> {
    return this.#compartments.registered.getAllStates();
  }

  /**
   * The compartment of a database alias: `default` is the `database` built-in; another alias gets
   * `database:<alias>`, sized by `settings.databases[alias]` (else like `database`).
   * @throws {TypeError | RangeError} when `alias` is not a non-empty string.
   */
  getForDatabase(alias = 'default'): Bulkhead {
    validateName('alias', alias);
    return alias === 'default' ? this.get('database') : this.getOrCreate(`${DATABASE_PREFIX}${alias}`);
  }

  /**
   * The compartment of a cache instance: `default` is the `cache` built-in; another name gets
   * `cache:<name>`, sized by `settings.caches[name]` (else like `cache`).
   * @throws {TypeError | RangeError} when `name` is not a non-empty string.
   */
  getForCache(name = 'default'): Bulkhead {
    validateName('name', name);
    return name === 'default' ? this.get('cache') : this.getOrCreate(`${CACHE_PREFIX}${name}`);
  }

  /** Subscribes to additions and removals; returns a disposer. */
  onChange(listener: (change: RegistryChange) => void): () => void {
    const unsubscribe = this.#compartments.registered.onChange(listener);
    const dispose = (): void => {
      unsubscribe();
      this.#changeSubscriptions.delete(dispose);
    };
    this.#changeSubscriptions.add(dispose);
    return dispose;
  }

  /**
   * Subscribes to applied settings (from `applySettings`, `CONFIG_UPDATED` or the file watcher); returns a disposer.
   * @throws {TypeError} when `listener` is not a function.
   */
  onSettingsApplied(listener: (update: SettingsUpdate) => void): () => void {
    return this.#settingsListeners.add(listener);
  }

  /**
   * Replaces the settings object source and reconfigures in place: compartments keep their identity,
   * in-flight and queued calls; growing admits waiters at once, shrinking never cancels work. Built-ins
   * overridden by `register()` are restored. Validates everything before changing anything.
   * @throws {TypeError | RangeError} when `next` is invalid (nothing is changed).
   */
  applySettings(next: BulkheadSettingsInput): SettingsUpdate {
    const object = validateSettingsInput(next, 'settings');
    return this.#reconfigure({ ...this.#layers, object });
  }

  /**
   * Stops admitting for shutdown (SIGTERM): every compartment is closed, so queued calls reject at once with
   * `BulkheadClosedError` and new calls are refused; in-flight calls may finish up to `timeout` ms.
   * Also `close()`s the registry.
   * @throws {TypeError | RangeError} when `options.timeout` is invalid (`null` included) or a key is unknown.
   */
  drain(options: DrainOptions = {}): Promise<DrainResult> {
    const timeout = drainTimeout(options);
    this.close();
    this.#draining = true;
    return drainBulkheads(this.#compartments.all(), timeout);
  }

  /** Unsubscribes from `CONFIG_UPDATED`, stops the file watcher and drops listeners. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribeConfigEvents?.();
    this.#unsubscribeConfigEvents = undefined;
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    for (const dispose of this.#changeSubscriptions) dispose();
    this.#changeSubscriptions.clear();
    this.#settingsListeners.clear();
  }

  /** True once `close()` (or `drain()`) was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #reconfigure(layers: SettingsLayers): SettingsUpdate {
    const settings = mergeLayers(layers, this.#env); // throws before anything changes
    this.#layers = layers;
    this.#settings = settings;
    const update = this.#compartments.reconfigure(settings);
    this.#logger.info({ event: 'bulkhead.settings_applied', ...update }, 'Bulkhead settings applied');
    this.#settingsListeners.notify(update);
    return update;
  }
}
