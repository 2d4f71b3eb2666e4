import path from 'node:path';
import {
  type Bulkhead,
  BulkheadRegistry,
  type BulkheadRegistryLike,
  type BulkheadState,
  type EntitlementLogger,
  type GetOrCreateOptions,
  getBulkheadLogger,
  isBulkhead,
  type RegistryChange,
  SemaphoreBulkhead,
} from '@x/bulkhead-core';
import {
  type DrainOptions,
  type DrainResult,
  drainBulkheads,
  drainTimeout,
} from '../internal/drain-bulkheads.js';
import {
  validateGetOrCreateOptions,
  validateName,
  validateRegistryOptions,
} from '../internal/registry-validation.js';
import { loadThreadPoolBulkhead } from '../internal/thread-pool-loader.js';
import { watchFile } from '../internal/watch-file.js';
import { CACHE_PREFIX, compartmentSettingsFor, DATABASE_PREFIX } from './compartment-settings.js';
import {
  CONFIG_UPDATED,
  type ConfigEventBus,
  type ConfigUpdatedEvent,
  getConfigEventBus,
} from './config-events.js';
import { resizeInPlace } from './resize-in-place.js';
import {
  BUILT_IN_COMPARTMENTS,
  type BulkheadSettings,
  type BulkheadSettingsInput,
  type CompartmentSettings,
  isBuiltInCompartment,
} from './settings.js';
import {
  readEnvironmentSettings,
  readSettingsFile,
  SETTINGS_FILE_ENVIRONMENT_VARIABLE,
} from './settings-sources.js';
import { mergeSettings, validateSettingsInput } from './validate-settings.js';

/** Options of `ProBulkheadRegistry`. */
export interface ProBulkheadRegistryOptions {
  /** Settings object (lowest-precedence source after the defaults). */
  settings?: BulkheadSettingsInput;
  /** JSON settings file (overrides `settings`); default `BULKHEAD_SETTINGS_FILE`. */
  settingsFile?: string;
  /** Re-apply the settings file whenever it changes; default false. */
  watchSettingsFile?: boolean;
  /** Environment read for `BULKHEAD_*` variables (highest precedence); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** pino/console-compatible logger; default `getBulkheadLogger()`. */
  logger?: EntitlementLogger;
  /** Bus whose `CONFIG_UPDATED` events the registry applies; default `getConfigEventBus()`. */
  configEvents?: ConfigEventBus;
}

/** What `applySettings()` changed. */
export interface SettingsUpdate {
  /** Compartments resized in place. */
  readonly resized: readonly { readonly name: string; readonly from: number; readonly to: number }[];
  /** Built-ins whose `register()` override was replaced by the settings-defined compartment again. */
  readonly restored: readonly string[];
  /** Changes that cannot apply at run time (type, queue bound, non-resizable compartments). */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

interface SettingsLayers {
  object: BulkheadSettingsInput;
  file: BulkheadSettingsInput;
}

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
 * @throws {TypeError | RangeError} at construction when an option or a setting is invalid (the message names it).
 */
export class ProBulkheadRegistry implements BulkheadRegistryLike {
  readonly [PRO_REGISTRY_BRAND] = true;
  readonly #logger: EntitlementLogger;
  readonly #env: Record<string, string | undefined>;
  readonly #settingsFile: string | undefined;
  #layers: SettingsLayers;
  #settings: BulkheadSettings;
  #lastFileText: string | undefined;
  /** Registered compartments, kept by core's registry (order, strict lookup, change feed). */
  readonly #store = new BulkheadRegistry();
  /** Compartments created from settings; resized on reload, restored over overrides. */
  readonly #owned = new Map<string, Bulkhead>();
  /** Disposers of `onChange` subscriptions, all called by `close()`. */
  readonly #changeSubscriptions = new Set<() => void>();
  #appliedListeners: Array<(update: SettingsUpdate) => void> = [];
  #unsubscribeConfigEvents: (() => void) | undefined;
  #stopWatching: (() => void) | undefined;
  #closed = false;
  #draining = false;

  constructor(options: ProBulkheadRegistryOptions = {}) {
    validateRegistryOptions(options);
    this.#logger = options.logger ?? getBulkheadLogger();
    this.#env = options.env ?? process.env;
    const fileFromEnvironment = this.#env[SETTINGS_FILE_ENVIRONMENT_VARIABLE]?.trim();
    const settingsFile =
      options.settingsFile ?? (fileFromEnvironment === '' ? undefined : fileFromEnvironment);
    this.#settingsFile = settingsFile === undefined ? undefined : path.resolve(settingsFile);
    if (options.watchSettingsFile === true && this.#settingsFile === undefined) {
      throw new TypeError(
        `options.watchSettingsFile needs options.settingsFile (or ${SETTINGS_FILE_ENVIRONMENT_VARIABLE})`,
      );
    }
    this.#layers = {
      object:
        options.settings === undefined ? {} : validateSettingsInput(options.settings, 'options.settings'),
      file: this.#settingsFile === undefined ? {} : readSettingsFile(this.#settingsFile),
    };
    this.#settings = this.#merge(this.#layers);
    for (const name of BUILT_IN_COMPARTMENTS) {
      const bulkhead = this.#create(name, this.#settings[name]);
      this.#owned.set(name, bulkhead);
      this.#store.register(bulkhead);
    }
    const bus = options.configEvents ?? getConfigEventBus();
    this.#unsubscribeConfigEvents = bus.on(CONFIG_UPDATED, (event) => this.#onConfigUpdated(event));
    if (options.watchSettingsFile === true) this.#watch();
  }

  /** The settings in force (defaults merged with every source). */
  get settings(): BulkheadSettings {
    return this.#settings;
  }

  /**
   * Adds `bulkhead`. Overriding a built-in is allowed (with a warning): the next settings reload
   * restores the settings-defined compartment.
   * @throws {TypeError} if it is not a bulkhead; {Error} if a non-built-in name is taken by another bulkhead.
   */
  register(bulkhead: Bulkhead): Bulkhead {
    if (!isBulkhead(bulkhead)) throw new TypeError('bulkhead must implement the Bulkhead contract');
    if (!isBuiltInCompartment(bulkhead.name) || this.#current(bulkhead.name) === bulkhead) {
      return this.#store.register(bulkhead); // a taken custom name throws there
    }
    this.#logger.warn(
      { event: 'bulkhead.builtin_overridden', bulkheadName: bulkhead.name },
      `Built-in compartment '${bulkhead.name}' overridden by register(); the next settings reload restores the settings-defined one`,
    );
    this.#store.replace(bulkhead);
    return bulkhead;
  }

  /**
   * Strict lookup.
   * @throws {BulkheadNotFoundError} when `name` is not registered (the message lists the known names).
   */
  get(name: string): Bulkhead {
    return this.#store.get(name);
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.#store.has(name);
  }

  /**
   * Returns the named compartment, creating it on first use from `options`, else from
   * `settings.compartments[name]`, else as a semaphore of 10. A `thread_pool` needs a `workerFilename` in settings.
   * @throws {TypeError | RangeError} for invalid options; {BulkheadError} when `@x/bulkhead-threads` is missing.
   */
  getOrCreate(name: string, options: GetOrCreateOptions = {}): Bulkhead {
    validateName('name', name);
    validateGetOrCreateOptions(options);
    const existing = this.#current(name);
    if (existing !== undefined) return existing;
    const template = compartmentSettingsFor(name, this.#settings);
    const type = (options.type as CompartmentSettings['type'] | undefined) ?? template?.type ?? 'semaphore';
    const workerFilename = template?.workerFilename;
    if (type === 'thread_pool' && workerFilename === undefined) {
      throw new TypeError(
        `getOrCreate('${name}', { type: 'thread_pool' }) needs settings.compartments.${name}.workerFilename: a thread pool runs a worker module`,
      );
    }
    const bulkhead = this.#create(name, {
      type,
      maxConcurrent: options.maxConcurrent ?? template?.maxConcurrent ?? 10,
      maxQueue: options.maxQueue ?? template?.maxQueue ?? Number.POSITIVE_INFINITY,
      ...(workerFilename === undefined ? {} : { workerFilename }),
    });
    if (template !== undefined) this.#owned.set(name, bulkhead);
    if (this.#draining) void (bulkhead as Partial<SemaphoreBulkhead>).close?.();
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
    const bulkhead = this.#current(name);
    if (bulkhead === undefined) return false;
    if (this.#owned.get(name) === bulkhead) this.#owned.delete(name);
    return this.#store.unregister(name);
  }

  /** Registered names in registration order. */
  listNames(): string[] {
    return this.#store.listNames();
  }

  /** Every registered bulkhead. */
  list(): Bulkhead[] {
    return this.#store.list();
  }

  /** Snapshot of every compartment, keyed by name. */
  getAllStates(): Record<string, BulkheadState> {
    return this.#store.getAllStates();
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
    const unsubscribe = this.#store.onChange(listener);
    const dispose = (): void => {
      unsubscribe();
      this.#changeSubscriptions.delete(dispose);
    };
    this.#changeSubscriptions.add(dispose);
    return dispose;
  }

  /** Subscribes to applied settings (from `applySettings`, `CONFIG_UPDATED` or the file watcher); returns a disposer. */
  onSettingsApplied(listener: (update: SettingsUpdate) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    this.#appliedListeners = [...this.#appliedListeners, listener];
    return () => {
      this.#appliedListeners = this.#appliedListeners.filter((candidate) => candidate !== listener);
    };
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
   * @throws {TypeError | RangeError} when `options.timeout` is invalid.
   */
  drain(options: DrainOptions = {}): Promise<DrainResult> {
    const timeout = drainTimeout(options);
    this.close();
    this.#draining = true;
    const bulkheads = new Set([...this.#store.list(), ...this.#owned.values()]);
    return drainBulkheads([...bulkheads], timeout);
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
    this.#appliedListeners = [];
  }

  /** True once `close()` (or `drain()`) was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #merge(layers: SettingsLayers): BulkheadSettings {
    return mergeSettings([layers.object, layers.file, readEnvironmentSettings(this.#env)]);
  }

  #create(name: string, settings: CompartmentSettings): Bulkhead {
    if (settings.type === 'semaphore') {
      return new SemaphoreBulkhead(name, {
        maxConcurrent: settings.maxConcurrent,
        maxQueue: settings.maxQueue,
      });
    }
    const ThreadPoolBulkhead = loadThreadPoolBulkhead();
    return new ThreadPoolBulkhead(name, {
      filename: path.resolve(settings.workerFilename ?? ''),
      maxWorkers: settings.maxConcurrent,
      maxQueue: settings.maxQueue,
    });
  }

  #reconfigure(layers: SettingsLayers): SettingsUpdate {
    const settings = this.#merge(layers);
    const resized: Array<{ name: string; from: number; to: number }> = [];
    const restored: string[] = [];
    const skipped: Array<{ name: string; reason: string }> = [];
    this.#layers = layers;
    this.#settings = settings;
    for (const [name, bulkhead] of this.#owned) {
      const target = compartmentSettingsFor(name, settings);
      if (target === undefined) continue;
      const outcome = resizeInPlace(bulkhead, target);
      if (outcome.resized !== undefined) resized.push(outcome.resized);
      skipped.push(...outcome.skipped);
      if (isBuiltInCompartment(name) && this.#current(name) !== bulkhead) {
        this.#store.replace(bulkhead);
        restored.push(name);
      }
    }
    const update: SettingsUpdate = Object.freeze({ resized, restored, skipped });
    this.#logger.info(
      { event: 'bulkhead.settings_applied', resized, restored, skipped },
      'Bulkhead settings applied',
    );
    for (const listener of this.#appliedListeners) {
      try {
        listener(update);
      } catch (error) {
        process.emitWarning(`A settings listener threw: ${String(error)}`, 'BulkheadListenerWarning');
      }
    }
    return update;
  }

  #onConfigUpdated(event: ConfigUpdatedEvent): void {
    try {
      this.applySettings(event.settings);
    } catch (error) {
      this.#logger.warn(
        { event: 'bulkhead.settings_rejected', source: CONFIG_UPDATED, error: (error as Error).message },
        'New bulkhead settings rejected; the previous settings stay in force',
      );
    }
  }

  #watch(): void {
    const file = this.#settingsFile as string;
    this.#lastFileText = JSON.stringify(this.#layers.file);
    this.#stopWatching = watchFile(file, {
      onChange: () => this.#reloadFile(file),
      onError: (error) =>
        this.#logger.warn(
          { event: 'bulkhead.settings_watch_failed', file, error: error.message },
          'Watching the bulkhead settings file failed',
        ),
    });
  }

  #reloadFile(file: string): void {
    if (this.#closed) return;
    let fileLayer: BulkheadSettingsInput;
    try {
      fileLayer = readSettingsFile(file);
    } catch (error) {
      this.#logger.warn(
        { event: 'bulkhead.settings_rejected', source: file, error: (error as Error).message },
        'Bulkhead settings file rejected; the previous settings stay in force',
      );
      return;
    }
    const text = JSON.stringify(fileLayer);
    if (text === this.#lastFileText) return;
    try {
      this.#reconfigure({ ...this.#layers, file: fileLayer });
      this.#lastFileText = text;
    } catch (error) {
      this.#logger.warn(
        { event: 'bulkhead.settings_rejected', source: file, error: (error as Error).message },
        'Bulkhead settings file rejected; the previous settings stay in force',
      );
    }
  }

  #current(name: string): Bulkhead | undefined {
    return this.#store.has(name) ? this.#store.get(name) : undefined;
  }
}
