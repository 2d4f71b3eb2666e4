import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type EntitlementLogger, SemaphoreBulkhead } from '@x/bulkhead-core';
import { describe, expect, it, vi } from 'vitest';
import { captureLogs } from '../test-support/license-fixtures.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { CONFIG_UPDATED, ConfigEventBus } from './config-events.js';
import { ProBulkheadRegistry, type ProBulkheadRegistryOptions, type SettingsUpdate } from './pro-registry.js';

const create = (options: ProBulkheadRegistryOptions = {}) =>
  new ProBulkheadRegistry({ env: {}, logger: silentLogger, configEvents: new ConfigEventBus(), ...options });

function barrier(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('applySettings()', () => {
  it('resizes in place: same object, in-flight and queued work kept, growing admits waiters at once', async () => {
    const registry = create({ settings: { database: { maxConcurrent: 2 } } });
    const database = registry.get('database');
    const trace: string[] = [];
    const gates = [barrier(), barrier(), barrier(), barrier(), barrier()];
    const call = (index: number) =>
      database.execute(
        async () => {
          trace.push(`start ${index}`);
          await gates[index]?.promise;
          trace.push(`end ${index}`);
          return index;
        },
        { timeout: Number.POSITIVE_INFINITY },
      );
    const calls = [call(0), call(1), call(2), call(3)];
    await Promise.resolve();
    expect(database.getState()).toMatchObject({ activeCount: 2, waitingCount: 2 });

    const update = registry.applySettings({ database: { maxConcurrent: 4 } });
    expect(update.resized).toEqual([{ name: 'database', from: 2, to: 4 }]);
    expect(registry.get('database')).toBe(database);
    expect(database.getState()).toMatchObject({ maxConcurrent: 4, activeCount: 4, waitingCount: 0 });

    registry.applySettings({ database: { maxConcurrent: 1 } });
    expect(database.getState()).toMatchObject({ maxConcurrent: 1, activeCount: 4 });
    calls.push(call(4));
    await Promise.resolve();
    expect(database.getState().waitingCount).toBe(1);
    for (const gate of gates.slice(0, 4)) gate.open();
    await Promise.all(calls.slice(0, 4));
    await new Promise((resolve) => setImmediate(resolve));
    expect(trace).toContain('start 4');
    gates[4]?.open();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4]);
    expect(database.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
  });

  it('restores built-ins overridden by register() and resizes alias compartments', () => {
    const registry = create({ settings: { databases: { replica: { maxConcurrent: 2 } } } });
    const database = registry.get('database');
    const replica = registry.getForDatabase('replica');
    registry.register(new SemaphoreBulkhead('database', { maxConcurrent: 1 }));
    const update = registry.applySettings({ databases: { replica: { maxConcurrent: 6 } } });
    expect(update.restored).toEqual(['database']);
    expect(update.resized).toEqual([{ name: 'database:replica', from: 2, to: 6 }]);
    expect(registry.get('database')).toBe(database);
    expect(registry.getForDatabase('replica')).toBe(replica);
  });

  it('reports what cannot change at run time', () => {
    const registry = create();
    const update = registry.applySettings({
      cache: { maxQueue: 3 },
      message_queue: { type: 'thread_pool', workerFilename: '/tmp/worker.mjs' },
    });
    expect(update.skipped).toEqual([
      { name: 'cache', reason: 'maxQueue changes apply after a restart' },
      { name: 'message_queue', reason: 'type change semaphore -> thread_pool applies after a restart' },
    ]);
    expect(registry.get('message_queue').type).toBe('semaphore');
  });

  it('validates everything before changing anything', () => {
    const registry = create({ settings: { database: { maxConcurrent: 3 } } });
    const before = registry.settings;
    expect(() => registry.applySettings({ database: { maxConcurrent: 0 } })).toThrow(
      'settings.database.maxConcurrent must be an integer >= 1, got 0',
    );
    expect(() => registry.applySettings({ cache: { type: 'thread_pool' } })).toThrow(
      /workerFilename is required/,
    );
    expect(registry.settings).toBe(before);
    expect(registry.get('database').getState().maxConcurrent).toBe(3);
  });

  it('keeps environment variables on top of the new object', () => {
    const registry = create({ env: { BULKHEAD_CACHE_MAX_CONCURRENT: '7' } });
    registry.applySettings({ cache: { maxConcurrent: 70 }, database: { maxConcurrent: 70 } });
    expect(registry.get('cache').getState().maxConcurrent).toBe(7);
    expect(registry.get('database').getState().maxConcurrent).toBe(70);
  });

  it('logs and notifies settings listeners', () => {
    const logs = captureLogs();
    const registry = create({ logger: logs.logger });
    const updates: SettingsUpdate[] = [];
    const dispose = registry.onSettingsApplied((update) => updates.push(update));
    registry.applySettings({ cache: { maxConcurrent: 5 } });
    dispose();
    registry.applySettings({ cache: { maxConcurrent: 6 } });
    expect(updates).toHaveLength(1);
    expect(logs.events('bulkhead.settings_applied')).toHaveLength(2);
    expect(() => registry.onSettingsApplied(null as never)).toThrow(TypeError);
  });
});

describe('CONFIG_UPDATED and close()', () => {
  it('applies CONFIG_UPDATED events and logs invalid ones without throwing', () => {
    const bus = new ConfigEventBus();
    const logs = captureLogs();
    const registry = create({ configEvents: bus, logger: logs.logger });
    bus.emit(CONFIG_UPDATED, { settings: { external_api: { maxConcurrent: 3 } } });
    expect(registry.get('external_api').getState().maxConcurrent).toBe(3);
    bus.emit(CONFIG_UPDATED, { settings: { external_api: { maxConcurrent: -1 } } });
    expect(registry.get('external_api').getState().maxConcurrent).toBe(3);
    expect(logs.events('bulkhead.settings_rejected')[0]?.object.error).toMatch(/external_api.maxConcurrent/);
  });

  it('close() unsubscribes everything and is idempotent', () => {
    const bus = new ConfigEventBus();
    const registry = create({ configEvents: bus });
    const changes: string[] = [];
    registry.onChange((change) => changes.push(change.kind));
    expect(bus.listenerCount).toBe(1);
    registry.close();
    registry.close();
    expect(registry.closed).toBe(true);
    expect(bus.listenerCount).toBe(0);
    bus.emit(CONFIG_UPDATED, { settings: { external_api: { maxConcurrent: 3 } } });
    expect(registry.get('external_api').getState().maxConcurrent).toBe(20);
    registry.getOrCreate('later');
    expect(changes).toEqual([]);
    expect(registry.get('database').getState().closed).toBe(false);
  });

  it('whatever a listener throws (a null-prototype object, a hostile toString), delivery and settings go on', () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const bus = new ConfigEventBus();
      const registry = create({ configEvents: bus });
      const hostile = {
        toString() {
          throw new Error('toString');
        },
      };
      bus.on(CONFIG_UPDATED, () => {
        throw Object.create(null);
      });
      const seen: number[] = [];
      bus.on(CONFIG_UPDATED, (event) => seen.push(event.settings.cache?.maxConcurrent ?? 0));
      registry.onSettingsApplied(() => {
        throw hostile;
      });
      const applied: string[] = [];
      registry.onSettingsApplied((update) => applied.push(update.resized.map((entry) => entry.name).join()));
      expect(() => bus.emit(CONFIG_UPDATED, { settings: { cache: { maxConcurrent: 9 } } })).not.toThrow();
      expect(registry.get('cache').getState().maxConcurrent).toBe(9);
      expect(seen).toEqual([9]);
      expect(applied).toEqual(['cache']);
      expect(warnings.mock.calls.map((call) => String(call[0]))).toEqual([
        'A settings listener threw: a non-Error object',
        'A config_updated listener threw: a non-Error object',
      ]);
    } finally {
      warnings.mockRestore();
    }
  });

  it('the bus validates its arguments', () => {
    const bus = new ConfigEventBus();
    expect(() => bus.on('other' as never, () => undefined)).toThrow(TypeError);
    expect(() => bus.on(CONFIG_UPDATED, 1 as never)).toThrow(TypeError);
    expect(() => bus.emit(CONFIG_UPDATED, {} as never)).toThrow(TypeError);
  });
});

describe('settings file watcher', () => {
  it('re-applies the file when it changes and keeps the old settings when it becomes invalid', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'bulkhead-watch-'));
    const file = path.join(directory, 'bulkheads.json');
    writeFileSync(file, JSON.stringify({ database: { maxConcurrent: 2 } }));
    let onRejected: (() => void) | undefined;
    const logger: EntitlementLogger = {
      info: () => undefined,
      warn: (record) => {
        if (record.event === 'bulkhead.settings_rejected') onRejected?.();
      },
    };
    const registry = create({ settingsFile: file, watchSettingsFile: true, logger });
    const database = registry.get('database');
    expect(database.getState().maxConcurrent).toBe(2);

    const applied = new Promise<SettingsUpdate>((resolve) => {
      const dispose = registry.onSettingsApplied((update) => {
        if (update.resized.length > 0) {
          dispose();
          resolve(update);
        }
      });
    });
    writeFileSync(file, JSON.stringify({ database: { maxConcurrent: 5 } }));
    expect((await applied).resized).toEqual([{ name: 'database', from: 2, to: 5 }]);
    expect(registry.get('database')).toBe(database);
    expect(database.getState().maxConcurrent).toBe(5);

    const rejected = new Promise<void>((resolve) => {
      onRejected = resolve;
    });
    writeFileSync(file, JSON.stringify({ database: { maxConcurrent: 'lots' } }));
    await rejected;
    expect(database.getState().maxConcurrent).toBe(5);
    registry.close();
  }, 30_000);
});
