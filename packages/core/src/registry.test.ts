import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Bulkhead,
  BulkheadError,
  BulkheadNotFoundError,
  BulkheadRegistry,
  type BulkheadRegistryLike,
  getBulkheadRegistry,
  getOssBulkheadRegistry,
  init,
  type RegistryChange,
  SemaphoreBulkhead,
  setBulkheadRegistry,
} from './index.js';
import { resetEntitlementForTesting } from './testing.js';

afterEach(() => vi.restoreAllMocks());

describe('BulkheadRegistry', () => {
  it('register() adds under the bulkhead name; get() returns it', () => {
    const registry = new BulkheadRegistry();
    const payments = new SemaphoreBulkhead('payments');
    expect(registry.register(payments)).toBe(payments);
    expect(registry.get('payments')).toBe(payments);
    expect(registry.has('payments')).toBe(true);
    expect(registry.has('search')).toBe(false);
  });

  it('registering the same instance twice is a no-op; another one under a taken name throws', () => {
    const registry = new BulkheadRegistry();
    const payments = new SemaphoreBulkhead('payments');
    registry.register(payments);
    expect(registry.register(payments)).toBe(payments);
    expect(() => registry.register(new SemaphoreBulkhead('payments'))).toThrow(
      new BulkheadError("A bulkhead named 'payments' is already registered; unregister it first"),
    );
    expect(registry.get('payments')).toBe(payments);
  });

  it('register() rejects what is not a bulkhead', () => {
    const registry = new BulkheadRegistry();
    for (const value of [null, 'payments', { name: 'x' }, { name: 'x', execute: () => 1 }]) {
      expect(() => registry.register(value as never)).toThrow(
        new TypeError('bulkhead must implement the Bulkhead contract'),
      );
    }
  });

  it('get() is strict: BulkheadNotFoundError lists the registered names', () => {
    const registry = new BulkheadRegistry();
    registry.register(new SemaphoreBulkhead('payments'));
    registry.register(new SemaphoreBulkhead('search'));
    let caught: unknown;
    try {
      registry.get('paymnets');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BulkheadNotFoundError);
    expect(caught).toMatchObject({
      code: 'BULKHEAD_NOT_FOUND',
      bulkheadName: 'paymnets',
      registeredNames: ['payments', 'search'],
    });
    expect((caught as Error).message).toContain('registered bulkheads: payments, search');
    expect(() => new BulkheadRegistry().get('x')).toThrow(/registered bulkheads: \(none\)/);
  });

  it('getOrCreate() creates a semaphore bulkhead once with the given options', () => {
    const registry = new BulkheadRegistry();
    const created = registry.getOrCreate('reports', { maxConcurrent: 3, maxQueue: 7 });
    expect(created).toBeInstanceOf(SemaphoreBulkhead);
    expect(created.getState()).toMatchObject({
      name: 'reports',
      type: 'semaphore',
      maxConcurrent: 3,
      maxQueue: 7,
    });
    expect(registry.getOrCreate('reports', { maxConcurrent: 99 })).toBe(created);
    expect(registry.getOrCreate('defaults').getState().maxConcurrent).toBe(10);
    expect(registry.getOrCreate('explicit-semaphore', { type: 'semaphore' })).toBeInstanceOf(
      SemaphoreBulkhead,
    );
  });

  it('getOrCreate() passes queueOrder and onQueueFull on to the semaphore bulkhead', () => {
    const registry = new BulkheadRegistry();
    const created = registry.getOrCreate('shedding', { queueOrder: 'lifo', onQueueFull: 'drop-oldest' });
    expect(created).toMatchObject({ queueOrder: 'lifo', onQueueFull: 'drop-oldest' });
    expect(registry.getOrCreate('plain')).toMatchObject({ queueOrder: 'fifo', onQueueFull: 'reject-new' });
  });

  it('getOrCreate() names an invalid queueOrder or onQueueFull and creates nothing', () => {
    const registry = new BulkheadRegistry();
    expect(() => registry.getOrCreate('bad-order', { queueOrder: 'random' as never })).toThrow(
      new TypeError('options.queueOrder must be one of fifo, lifo, got string "random"'),
    );
    expect(() => registry.getOrCreate('bad-full', { onQueueFull: 'drop-newest' as never })).toThrow(
      new TypeError('options.onQueueFull must be one of reject-new, drop-oldest, got string "drop-newest"'),
    );
    expect(registry.listNames()).toEqual([]);
  });

  it('getOrCreate() validates the name, the options and the type', () => {
    const registry = new BulkheadRegistry();
    expect(() => registry.getOrCreate('')).toThrow(new RangeError('name must not be empty'));
    expect(() => registry.getOrCreate(7 as never)).toThrow(
      new TypeError('name must be a string, got number 7'),
    );
    expect(() => registry.getOrCreate('null-options', null as never)).toThrow(
      new TypeError('options must be an object, got null'),
    );
    expect(() => registry.getOrCreate('bad', { maxConcurrent: 0 })).toThrow(
      new RangeError('options.maxConcurrent must be >= 1, got 0'),
    );
    expect(() => registry.getOrCreate('pool', { type: 'thread_pool' })).toThrow(
      new TypeError(
        "options.type 'thread_pool' is not available in the OSS registry; create the bulkhead yourself and register() it",
      ),
    );
    expect(registry.listNames()).toEqual([]);
  });

  it('unregister(), listNames(), list() and getAllStates()', () => {
    const registry = new BulkheadRegistry();
    const a = registry.getOrCreate('a', { maxConcurrent: 1 });
    const b = registry.getOrCreate('b', { maxConcurrent: 2 });
    registry.getOrCreate('c');
    (a as SemaphoreBulkhead).tryAcquire();
    expect(registry.listNames()).toEqual(['a', 'b', 'c']);
    expect(registry.unregister('c')).toBe(true);
    expect(registry.unregister('c')).toBe(false);
    expect(registry.list()).toEqual([a, b]);
    const states = registry.getAllStates();
    expect(Object.keys(states)).toEqual(['a', 'b']);
    expect(states.a).toMatchObject({ name: 'a', activeCount: 1, utilizationPercent: 100 });
    expect(states.b).toMatchObject({ name: 'b', activeCount: 0, maxConcurrent: 2 });
    expect(() => registry.get('c')).toThrow(BulkheadNotFoundError);
  });

  it('accepts any Bulkhead implementation', () => {
    const registry = new BulkheadRegistry();
    const inner = new SemaphoreBulkhead('custom');
    const custom: Bulkhead = {
      name: 'custom',
      type: 'shared',
      acquire: (options) => inner.acquire(options),
      execute: (fn, options) => inner.execute(fn, options),
      wrap: (fn, options) => inner.wrap(fn, options),
      getState: () => ({ ...inner.getState(), type: 'shared' }),
      on: (event, listener) => inner.on(event, listener),
    };
    registry.register(custom);
    expect(registry.getOrCreate('custom')).toBe(custom);
    expect(registry.getAllStates().custom?.type).toBe('shared');
  });
});

describe('onChange', () => {
  it('tells listeners about additions and removals, in order; the disposer unsubscribes', () => {
    const registry = new BulkheadRegistry();
    const changes: string[] = [];
    const dispose = registry.onChange((change: RegistryChange) =>
      changes.push(`${change.kind}:${change.bulkhead.name}`),
    );
    const payments = registry.getOrCreate('payments');
    registry.getOrCreate('payments');
    registry.register(payments);
    registry.register(new SemaphoreBulkhead('search'));
    registry.unregister('payments');
    registry.unregister('payments');
    dispose();
    dispose();
    registry.getOrCreate('after-dispose');
    expect(changes).toEqual(['added:payments', 'added:search', 'removed:payments']);
  });

  it('carries the bulkhead itself', () => {
    const registry = new BulkheadRegistry();
    const seen: RegistryChange[] = [];
    registry.onChange((change) => seen.push(change));
    const created = registry.getOrCreate('carried');
    expect(seen).toEqual([{ kind: 'added', bulkhead: created }]);
  });

  it('a throwing listener becomes a warning; the others and the registry carry on', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const registry = new BulkheadRegistry();
    const seen: string[] = [];
    registry.onChange(() => {
      throw new Error('listener bug');
    });
    registry.onChange((change) => seen.push(change.bulkhead.name));
    expect(() => registry.getOrCreate('robust')).not.toThrow();
    expect(seen).toEqual(['robust']);
    expect(registry.has('robust')).toBe(true);
    expect(warning).toHaveBeenCalledWith(
      'A bulkhead registry listener threw: Error: listener bug',
      'BulkheadListenerWarning',
    );
  });

  it('rejects a non-function listener', () => {
    expect(() => new BulkheadRegistry().onChange(42 as never)).toThrow(
      new TypeError('listener must be a function'),
    );
  });
});

describe('process-wide registry', () => {
  const slotKey = Symbol.for('x.bulkhead.global.v1');

  afterEach(() => setBulkheadRegistry(undefined));

  it('lives in the global slot under the versioned Symbol.for key', () => {
    const registry = getBulkheadRegistry();
    expect(registry).toBeInstanceOf(BulkheadRegistry);
    expect(getBulkheadRegistry()).toBe(registry);
    expect(getOssBulkheadRegistry()).toBe(registry);
    const slot = Reflect.get(globalThis, slotKey) as { version: number; ossRegistry: unknown };
    expect(slot.version).toBe(1);
    expect(slot.ossRegistry).toBe(registry);
    expect(Object.keys(globalThis)).not.toContain(String(slotKey));
    expect(Object.getOwnPropertyDescriptor(globalThis, slotKey)?.enumerable).toBe(false);
  });

  it('is shared by a second copy of core (a freshly loaded module instance)', async () => {
    const first = getBulkheadRegistry();
    const name = 'shared-between-copies';
    first.getOrCreate(name);
    try {
      vi.resetModules();
      const secondCopy = await import('./registry.js');
      expect(secondCopy.BulkheadRegistry).not.toBe(BulkheadRegistry);
      expect(secondCopy.getBulkheadRegistry()).toBe(first);
      expect(secondCopy.getBulkheadRegistry().get(name)).toBe(first.get(name));
    } finally {
      first.unregister(name);
    }
  });

  it('setBulkheadRegistry() installs another registry for every copy; undefined restores the OSS one', async () => {
    const oss = getOssBulkheadRegistry();
    const replacement: BulkheadRegistryLike = new BulkheadRegistry();
    setBulkheadRegistry(replacement);
    expect(getBulkheadRegistry()).toBe(replacement);
    expect(getOssBulkheadRegistry()).toBe(oss);
    vi.resetModules();
    const secondCopy = await import('./registry.js');
    expect(secondCopy.getBulkheadRegistry()).toBe(replacement);
    setBulkheadRegistry(undefined);
    expect(getBulkheadRegistry()).toBe(oss);
  });
});

describe('BulkheadRegistry.replace', () => {
  it('swaps a compartment in place, keeps the order and tells listeners removed then added', () => {
    const registry = new BulkheadRegistry();
    const first = registry.getOrCreate('first');
    const original = registry.getOrCreate('second');
    registry.getOrCreate('third');
    const changes: string[] = [];
    registry.onChange((change) =>
      changes.push(`${change.kind}:${change.bulkhead === original ? 'old' : 'new'}`),
    );
    const replacement = new SemaphoreBulkhead('second', { maxConcurrent: 3 });
    expect(registry.replace(replacement)).toBe(original);
    expect(registry.get('second')).toBe(replacement);
    expect(registry.listNames()).toEqual(['first', 'second', 'third']);
    expect(changes).toEqual(['removed:old', 'added:new']);
    expect(registry.replace(replacement)).toBeUndefined();
    expect(changes).toHaveLength(2);
    expect(registry.get('first')).toBe(first);
  });

  it('adds a compartment that was not registered and rejects non-bulkheads', () => {
    const registry = new BulkheadRegistry();
    const fresh = new SemaphoreBulkhead('fresh');
    expect(registry.replace(fresh)).toBeUndefined();
    expect(registry.get('fresh')).toBe(fresh);
    expect(() => registry.replace({} as never)).toThrow(TypeError);
  });
});

describe('getOrCreate() on an existing compartment', () => {
  afterEach(() => resetEntitlementForTesting());

  async function captureWarnings(): Promise<Array<Record<string, unknown>>> {
    const warnings: Array<Record<string, unknown>> = [];
    await init({ env: {}, logger: { info: () => undefined, warn: (object) => warnings.push(object) } });
    return warnings;
  }

  it('still validates the options', () => {
    const registry = new BulkheadRegistry();
    const existing = registry.getOrCreate('validated', { maxConcurrent: 5 });
    expect(() => registry.getOrCreate('validated', { maxConcurrent: -3 })).toThrow(
      new RangeError('options.maxConcurrent must be >= 1, got -3'),
    );
    expect(() => registry.getOrCreate('validated', { type: 'sideways' as never })).toThrow(TypeError);
    expect(registry.get('validated')).toBe(existing);
  });

  it('logs one warning when the options differ, and keeps the compartment as it is', async () => {
    const warnings = await captureWarnings();
    const registry = new BulkheadRegistry();
    const existing = registry.getOrCreate('differs', { maxConcurrent: 5, maxQueue: 10 });
    expect(registry.getOrCreate('differs', { maxConcurrent: 5 })).toBe(existing);
    expect(registry.getOrCreate('differs')).toBe(existing);
    expect(warnings).toEqual([]);
    expect(registry.getOrCreate('differs', { maxConcurrent: 7, maxQueue: 10 })).toBe(existing);
    expect(registry.getOrCreate('differs', { maxConcurrent: 8 })).toBe(existing);
    expect(warnings).toEqual([
      {
        event: 'registry.options_ignored',
        bulkheadName: 'differs',
        maxConcurrent: { requested: 7, actual: 5 },
      },
    ]);
    expect(existing.getState()).toMatchObject({ maxConcurrent: 5, maxQueue: 10 });
  });

  it('warns when queueOrder or onQueueFull differ (a compartment without them has the defaults)', async () => {
    const warnings = await captureWarnings();
    const registry = new BulkheadRegistry();
    const existing = registry.getOrCreate('queue-differs', { queueOrder: 'lifo' });
    expect(registry.getOrCreate('queue-differs', { queueOrder: 'lifo', onQueueFull: 'reject-new' })).toBe(
      existing,
    );
    expect(warnings).toEqual([]);
    registry.getOrCreate('queue-differs', { queueOrder: 'fifo', onQueueFull: 'drop-oldest' });
    expect(warnings).toEqual([
      {
        event: 'registry.options_ignored',
        bulkheadName: 'queue-differs',
        queueOrder: { requested: 'fifo', actual: 'lifo' },
        onQueueFull: { requested: 'drop-oldest', actual: 'reject-new' },
      },
    ]);
  });
});
