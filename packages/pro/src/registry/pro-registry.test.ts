import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BulkheadError,
  BulkheadNotFoundError,
  type RegistryChange,
  SemaphoreBulkhead,
} from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { captureLogs } from '../test-support/license-fixtures.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { ConfigEventBus } from './config-events.js';
import { ProBulkheadRegistry, type ProBulkheadRegistryOptions } from './pro-registry.js';
import { DEFAULT_BULKHEAD_SETTINGS } from './settings.js';

const create = (options: ProBulkheadRegistryOptions = {}) =>
  new ProBulkheadRegistry({ env: {}, logger: silentLogger, configEvents: new ConfigEventBus(), ...options });

const settingsFile = (content: unknown): string => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bulkhead-registry-')), 'bulkheads.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};

describe('ProBulkheadRegistry construction', () => {
  it('always has the four built-in compartments, sized by the documented defaults', () => {
    const registry = create();
    expect(registry.listNames()).toEqual(['database', 'cache', 'external_api', 'message_queue']);
    const states = registry.getAllStates();
    expect(states.database).toMatchObject({ type: 'semaphore', maxConcurrent: 10, activeCount: 0 });
    expect(states.cache?.maxConcurrent).toBe(DEFAULT_BULKHEAD_SETTINGS.cache.maxConcurrent);
    expect(states.external_api?.maxConcurrent).toBe(20);
    expect(states.message_queue?.maxConcurrent).toBe(10);
  });

  it('sizes compartments from object < JSON file < environment', () => {
    const registry = create({
      settings: {
        database: { maxConcurrent: 2 },
        cache: { maxConcurrent: 3 },
        external_api: { maxConcurrent: 4 },
      },
      settingsFile: settingsFile({ cache: { maxConcurrent: 30 }, external_api: { maxConcurrent: 40 } }),
      env: { BULKHEAD_EXTERNAL_API_MAX_CONCURRENT: '400', BULKHEAD_MESSAGE_QUEUE_MAX_QUEUE: '7' },
    });
    const states = registry.getAllStates();
    expect(states.database?.maxConcurrent).toBe(2);
    expect(states.cache?.maxConcurrent).toBe(30);
    expect(states.external_api?.maxConcurrent).toBe(400);
    expect(states.message_queue?.maxQueue).toBe(7);
  });

  it('reads the settings file named by BULKHEAD_SETTINGS_FILE', () => {
    const registry = create({
      env: { BULKHEAD_SETTINGS_FILE: settingsFile({ database: { maxConcurrent: 9 } }) },
    });
    expect(registry.get('database').getState().maxConcurrent).toBe(9);
  });

  it.each([
    [
      { settings: { database: { maxConcurrent: 0 } } },
      RangeError,
      'options.settings.database.maxConcurrent must be an integer >= 1, got 0',
    ],
    [{ settingsFile: '' }, RangeError, 'options.settingsFile must not be empty'],
    [
      { settingFile: 'x.json' },
      TypeError,
      'options.settingFile is not a known option; did you mean settingsFile?',
    ],
    [{ watchSettingsFile: 'yes' }, TypeError, 'options.watchSettingsFile must be a boolean'],
    [{ watchSettingsFile: true }, TypeError, 'options.watchSettingsFile needs options.settingsFile'],
    [{ env: null }, TypeError, 'options.env must be an object'],
    [{ logger: {} }, TypeError, 'options.logger.info must be a function'],
    [{ configEvents: {} }, TypeError, 'options.configEvents must be a ConfigEventBus'],
    [
      { env: { BULKHEAD_CACHE_MAX_CONCURRENT: 'many' } },
      RangeError,
      'BULKHEAD_CACHE_MAX_CONCURRENT must be an integer >= 1',
    ],
  ])('validates options: %j', (options, type, message) => {
    expect(() => create(options as ProBulkheadRegistryOptions)).toThrow(type);
    expect(() => create(options as ProBulkheadRegistryOptions)).toThrow(message);
  });

  it('rejects a non-object options argument', () => {
    expect(() => new ProBulkheadRegistry(null as never)).toThrow('options must be an object');
  });
});

describe('lookups', () => {
  it('get() is strict and lists the registered names', () => {
    const registry = create();
    const error = (() => {
      try {
        registry.get('payments');
      } catch (caught) {
        return caught;
      }
    })();
    expect(BulkheadNotFoundError.isInstance(error)).toBe(true);
    expect((error as BulkheadNotFoundError).registeredNames).toEqual(registry.listNames());
    expect((error as Error).message).toContain('database, cache, external_api, message_queue');
    expect(registry.has('database')).toBe(true);
    expect(registry.has('payments')).toBe(false);
  });

  it('getOrCreate() creates once, from options, then a settings template, then defaults', () => {
    const logs = captureLogs();
    const registry = create({
      logger: logs.logger,
      settings: { compartments: { reports: { maxConcurrent: 3, maxQueue: 5 } } },
    });
    const payments = registry.getOrCreate('payments', { maxConcurrent: 4 });
    expect(registry.getOrCreate('payments', { maxConcurrent: 4 })).toBe(payments);
    expect(logs.events('bulkhead.options_ignored')).toEqual([]);
    expect(registry.getOrCreate('payments', { maxConcurrent: 99 })).toBe(payments);
    expect(registry.getOrCreate('payments', { maxConcurrent: 98 })).toBe(payments);
    expect(logs.events('bulkhead.options_ignored')).toEqual([
      expect.objectContaining({
        level: 'warn',
        object: expect.objectContaining({ bulkheadName: 'payments', options: ['maxConcurrent'] }),
      }),
    ]);
    expect(() => registry.getOrCreate('payments', { maxConcurrent: -3 })).toThrow(RangeError);
    expect(payments.getState()).toMatchObject({ type: 'semaphore', maxConcurrent: 4 });
    expect(registry.getOrCreate('reports').getState()).toMatchObject({ maxConcurrent: 3, maxQueue: 5 });
    expect(registry.getOrCreate('other').getState().maxConcurrent).toBe(10);
    expect(registry.listNames().slice(4)).toEqual(['payments', 'reports', 'other']);
  });

  it('getOrCreate() takes queueOrder and onQueueFull from options, then the settings template', () => {
    const logs = captureLogs();
    const registry = create({
      logger: logs.logger,
      settings: { compartments: { reports: { queueOrder: 'lifo', onQueueFull: 'drop-oldest' } } },
    });
    expect(registry.getOrCreate('reports')).toMatchObject({ queueOrder: 'lifo', onQueueFull: 'drop-oldest' });
    const payments = registry.getOrCreate('payments', { onQueueFull: 'drop-oldest' });
    expect(payments).toMatchObject({ queueOrder: 'fifo', onQueueFull: 'drop-oldest' });
    registry.getOrCreate('payments', { queueOrder: 'lifo' });
    expect(logs.events('bulkhead.options_ignored')).toEqual([
      expect.objectContaining({
        object: expect.objectContaining({ bulkheadName: 'payments', options: ['queueOrder'] }),
      }),
    ]);
    expect(() => registry.getOrCreate('bad', { queueOrder: 'random' as never })).toThrow(
      new TypeError('options.queueOrder must be one of fifo, lifo, got string "random"'),
    );
    expect(registry.has('bad')).toBe(false);
  });

  it.each([
    [{ maxConcurrent: 0 }, RangeError, 'options.maxConcurrent must be >= 1, got 0'],
    [{ maxQueue: -1 }, RangeError, 'options.maxQueue must be >= 0, got -1'],
    [
      { maxConcurent: 5 },
      TypeError,
      'options.maxConcurent is not a known option; did you mean maxConcurrent?',
    ],
    [{ type: 'shared' }, TypeError, "options.type must be 'semaphore' or 'thread_pool'"],
  ])('getOrCreate() validates %j', (options, type, message) => {
    expect(() => create().getOrCreate('x', options as never)).toThrow(type);
    expect(() => create().getOrCreate('x', options as never)).toThrow(message);
  });

  it('getOrCreate() validates the name', () => {
    expect(() => create().getOrCreate('')).toThrow(RangeError);
    expect(() => create().getOrCreate(1 as never)).toThrow(TypeError);
  });

  it('a thread pool needs a worker filename in settings', () => {
    expect(() => create().getOrCreate('render', { type: 'thread_pool' })).toThrow(
      "getOrCreate('render', { type: 'thread_pool' }) needs settings.compartments.render.workerFilename",
    );
  });

  it('creates thread-pool compartments through @x/bulkhead-threads', async () => {
    const workerFilename = fileURLToPath(
      new URL('../test-support/fixtures/echo-worker.mjs', import.meta.url),
    );
    const registry = create({
      settings: {
        compartments: { render: { type: 'thread_pool', workerFilename, maxConcurrent: 1, maxQueue: 2 } },
      },
    });
    const render = registry.getOrCreate('render');
    expect(render.getState()).toMatchObject({ name: 'render', type: 'thread_pool', maxConcurrent: 1 });
    await (render as unknown as { close(): Promise<void> }).close();
  });

  it('getForDatabase() and getForCache() give per-alias compartments sized from settings', () => {
    const registry = create({
      settings: {
        database: { maxConcurrent: 8 },
        databases: { replica: { maxConcurrent: 20 } },
        caches: { session: { maxConcurrent: 2 } },
      },
    });
    expect(registry.getForDatabase()).toBe(registry.get('database'));
    expect(registry.getForDatabase('default')).toBe(registry.get('database'));
    const replica = registry.getForDatabase('replica');
    expect(replica.name).toBe('database:replica');
    expect(replica.getState().maxConcurrent).toBe(20);
    expect(registry.getForDatabase('replica')).toBe(replica);
    expect(registry.getForDatabase('analytics').getState().maxConcurrent).toBe(8);
    expect(registry.getForCache()).toBe(registry.get('cache'));
    expect(registry.getForCache('session').getState()).toMatchObject({
      name: 'cache:session',
      maxConcurrent: 2,
    });
    expect(() => registry.getForDatabase('')).toThrow(RangeError);
    expect(() => registry.getForCache(3 as never)).toThrow(TypeError);
  });
});

describe('register and unregister', () => {
  it('register() may override a built-in, with a warning, and notifies listeners', () => {
    const logs = captureLogs();
    const registry = create({ logger: logs.logger });
    const changes: RegistryChange[] = [];
    registry.onChange((change) => changes.push(change));
    const original = registry.get('database');
    const replacement = new SemaphoreBulkhead('database', { maxConcurrent: 1 });
    expect(registry.register(replacement)).toBe(replacement);
    expect(registry.get('database')).toBe(replacement);
    expect(changes).toEqual([
      { kind: 'removed', bulkhead: original },
      { kind: 'added', bulkhead: replacement },
    ]);
    const warnings = logs.events('bulkhead.builtin_overridden');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/settings reload restores/);
  });

  it('register() refuses to replace a custom compartment and non-bulkheads', () => {
    const registry = create();
    registry.register(new SemaphoreBulkhead('payments'));
    expect(() => registry.register(new SemaphoreBulkhead('payments'))).toThrow(/already registered/);
    expect(() => registry.register(new SemaphoreBulkhead('payments'))).toThrow(BulkheadError);
    expect(() => registry.register({} as never)).toThrow(TypeError);
  });

  it('unregister() of a built-in throws; of a custom compartment reports whether it existed', () => {
    const registry = create();
    expect(() => registry.unregister('cache')).toThrow(RangeError);
    expect(() => registry.unregister('cache')).toThrow(
      "'cache' is a built-in compartment and cannot be unregistered",
    );
    registry.getOrCreate('payments');
    expect(registry.unregister('payments')).toBe(true);
    expect(registry.unregister('payments')).toBe(false);
    expect(registry.list().map((bulkhead) => bulkhead.name)).toEqual([
      'database',
      'cache',
      'external_api',
      'message_queue',
    ]);
  });

  it('onChange() returns a disposer and validates the listener', () => {
    const registry = create();
    const changes: string[] = [];
    const dispose = registry.onChange((change) => changes.push(`${change.kind}:${change.bulkhead.name}`));
    registry.getOrCreate('a');
    dispose();
    registry.getOrCreate('b');
    expect(changes).toEqual(['added:a']);
    expect(() => registry.onChange(1 as never)).toThrow(TypeError);
  });
});
