import { BulkheadFullError, getBulkheadRegistry, getOssBulkheadRegistry, init } from '@x/bulkhead-core';
import { afterEach, describe, expect, it } from 'vitest';
import { entitleForTesting, resetProStateForTesting } from '../test-support/entitle.js';
import { captureLogs } from '../test-support/license-fixtures.js';
import { bulkheadForCache, bulkheadForDatabase } from './compartment-decorators.js';
import { getForCache, getForDatabase, getProRegistry } from './compartment-lookup.js';

afterEach(() => {
  resetProStateForTesting();
  for (const name of getOssBulkheadRegistry().listNames()) getOssBulkheadRegistry().unregister(name);
});

describe('with PRO', () => {
  it('getForDatabase/getForCache and getProRegistry use the PRO registry', async () => {
    await entitleForTesting();
    const registry = getProRegistry();
    expect(registry).toBe(getBulkheadRegistry());
    expect(getForDatabase()).toBe(registry?.get('database'));
    expect(getForDatabase('replica').name).toBe('database:replica');
    expect(getForCache('session').name).toBe('cache:session');
  });

  it('bulkheadForDatabase protects a function with the alias compartment, looked up at call time', async () => {
    const readReplica = bulkheadForDatabase('replica')(async (id: number) => `row ${id}`);
    await entitleForTesting();
    expect(await readReplica(7)).toBe('row 7');
    expect(getBulkheadRegistry().listNames()).toContain('database:replica');
  });

  it('bulkheadForCache runs the fallback only on rejection, and works as a method decorator', async () => {
    await entitleForTesting();
    getProRegistry()?.applySettings({ caches: { session: { maxConcurrent: 1 } } });
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    class SessionStore {
      @bulkheadForCache('session', { fallback: () => 'fallback' })
      async read(key: string): Promise<string> {
        await hold;
        return `value of ${key}`;
      }
    }
    const store = new SessionStore();
    const first = store.read('a');
    expect(await store.read('b')).toBe('fallback');
    release();
    expect(await first).toBe('value of a');
    const failing = bulkheadForCache('session')(async () => {
      throw new Error('business failure');
    });
    await expect(failing()).rejects.toThrow('business failure');
  });

  it('rejections carry the compartment name', async () => {
    await entitleForTesting();
    getProRegistry()?.applySettings({ databases: { reports: { maxConcurrent: 1 } } });
    let release!: () => void;
    const slow = bulkheadForDatabase('reports')(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    const running = slow();
    const error = await slow().catch((caught: unknown) => caught);
    expect(BulkheadFullError.isInstance(error)).toBe(true);
    expect((error as BulkheadFullError).bulkheadName).toBe('database:reports');
    release();
    await running;
  });
});

describe('without PRO (OSS behaviour)', () => {
  it('uses OSS compartments and logs pro_feature_unavailable once', async () => {
    const logs = captureLogs();
    await init({ logger: logs.logger, env: {} });
    expect(getProRegistry()).toBeUndefined();
    expect(await bulkheadForDatabase('replica')(() => 'ok')()).toBe('ok');
    expect(getForDatabase().name).toBe('database');
    expect(getForCache('session').name).toBe('cache:session');
    expect(getOssBulkheadRegistry().listNames()).toEqual(['database:replica', 'database', 'cache:session']);
    expect(logs.events('entitlement.pro_feature_unavailable')).toHaveLength(1);
  });

  it('validates aliases', () => {
    expect(() => bulkheadForDatabase('')).toThrow(new RangeError('alias must not be empty'));
    expect(() => bulkheadForCache(1 as never)).toThrow(new TypeError('name must be a string, got number 1'));
    expect(() => getForDatabase('')).toThrow(RangeError);
    expect(() => getForCache(2 as never)).toThrow(TypeError);
    expect(() => bulkheadForDatabase('x', { timeout: -1 })).toThrow(RangeError);
  });
});
