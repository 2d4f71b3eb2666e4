import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Bulkhead,
  BulkheadFullError,
  BulkheadPolicy,
  BulkheadRegistry,
  bulkhead,
  bulkheadPolicy,
  getBulkheadRegistry,
  type KeyedBulkheadState,
  type RegistryChange,
} from '../index.js';
import { deferred, flush, useFakeClock } from '../test-support/async-helpers.js';
import { KeyedBulkhead } from './keyed-bulkhead.js';

// A KeyedBulkhead, its Bulkhead form and its forKey() views in the parts of core that know only the Bulkhead
// contract: the registry, policies, the decorator and wrap().

function tenantCompartments(name = 'tenants'): KeyedBulkhead {
  return new KeyedBulkhead(name, { perKey: { maxConcurrent: 2, maxQueue: 0 }, idleTimeout: 1_000 });
}

const registeredGlobally: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const name of registeredGlobally.splice(0)) getBulkheadRegistry().unregister(name);
});

describe('a keyed compartment in the registry', () => {
  it('registers the keyed bulkhead and per-key views; getAllStates lists the aggregate and each key', async () => {
    const registry = new BulkheadRegistry();
    const changes: string[] = [];
    registry.onChange((change: RegistryChange) => changes.push(`${change.kind} ${change.bulkhead.name}`));
    const tenants = tenantCompartments();
    registry.register(tenants);
    const acme = registry.register(tenants.forKey('acme'));
    registry.register(tenants.forKey('globex'));
    expect(changes).toEqual(['added tenants', 'added tenants/acme', 'added tenants/globex']);
    expect(registry.get('tenants/acme')).toBe(acme);

    const held = await Promise.all([acme.acquire(), acme.acquire()]);
    const states = registry.getAllStates();
    expect(Object.keys(states)).toEqual(['tenants', 'tenants/acme', 'tenants/globex']);
    expect(states.tenants as KeyedBulkheadState).toMatchObject({
      type: 'keyed',
      keyCount: 1,
      activeCount: 2,
      perKey: { maxConcurrent: 2, maxQueue: 0 },
    });
    expect(states['tenants/acme']).toMatchObject({ name: 'tenants/acme', activeCount: 2, maxConcurrent: 2 });
    // A registered key without a compartment yet reads as all zeros (the view creates nothing).
    expect(states['tenants/globex']).toMatchObject({ activeCount: 0, totalCalls: 0 });
    expect(tenants.keyCount).toBe(1);
    for (const permit of held) permit.release();
  });

  it('a registered view outlives the eviction of its idle compartment and recreates it on the next call', async () => {
    useFakeClock();
    const registry = new BulkheadRegistry();
    const tenants = tenantCompartments();
    registry.register(tenants.forKey('acme'));
    await registry.get('tenants/acme').execute(() => 'first');
    expect(tenants.keyCount).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(tenants.getState()).toMatchObject({ keyCount: 0, evictedKeys: 1 });
    expect(registry.getAllStates()['tenants/acme']).toMatchObject({ totalCalls: 0 });
    await expect(registry.get('tenants/acme').execute(() => 'again')).resolves.toBe('again');
    expect(registry.getAllStates()['tenants/acme']).toMatchObject({ totalCalls: 1, successfulCalls: 1 });
  });

  it('a view registered under its name is what bulkheadPolicy(name) and bulkhead(name) find', async () => {
    const tenants = tenantCompartments('tenants-global');
    const acme = tenants.forKey('acme');
    getBulkheadRegistry().register(acme);
    registeredGlobally.push(acme.name);
    const policy = bulkheadPolicy('tenants-global/acme', { maxConcurrent: 2 });
    expect(policy.bulkhead).toBe(acme);
    await expect(policy.execute(() => 'ok')).resolves.toMatchObject({ outcome: 'success', value: 'ok' });
    await expect(bulkhead('tenants-global/acme')(() => 'decorated')()).resolves.toBe('decorated');
    expect(tenants.keyState('acme')).toMatchObject({ totalCalls: 2, successfulCalls: 2 });
  });
});

describe("one tenant's flood through a policy and the decorator", () => {
  it('fills only its own key: the decorator falls back for it while another tenant is served', async () => {
    const tenants = tenantCompartments();
    const gate = deferred();
    const fallbacks: string[] = [];
    const search = (tenant: string) =>
      bulkhead<[string], string>(tenants.forKey(tenant), {
        fallback: (error, query) => {
          fallbacks.push(`${tenant} ${(error as BulkheadFullError).reason}`);
          return `cached ${query}`;
        },
      })(async (query: string) => {
        await gate.promise;
        return `${tenant}: ${query}`;
      });
    const acmeSearch = search('acme');
    const flood = [1, 2, 3, 4].map((index) => acmeSearch(`q${index}`));
    await flush();
    expect(fallbacks).toEqual(['acme queue_full', 'acme queue_full']);
    const globexPolicy = new BulkheadPolicy(tenants.forKey('globex'));
    const globex = globexPolicy.execute(async () => {
      await gate.promise;
      return 'globex served';
    });
    await flush();
    expect(tenants.getState()).toMatchObject({ keyCount: 2, activeCount: 3, rejectedCount: 2 });
    gate.resolve();
    await expect(Promise.all(flood)).resolves.toEqual(['acme: q1', 'acme: q2', 'cached q3', 'cached q4']);
    await expect(globex).resolves.toMatchObject({ outcome: 'success', value: 'globex served' });
    const afterFlood = await new BulkheadPolicy(tenants.forKey('acme')).execute(() => 'fresh');
    expect(afterFlood).toMatchObject({ outcome: 'success' });
  });

  it('reports a full key as rejected through a fail-fast policy', async () => {
    const tenants = tenantCompartments();
    const held = await Promise.all([tenants.acquire('acme'), tenants.acquire('acme')]);
    const result = await new BulkheadPolicy(tenants.forKey('acme')).execute(() => 'no room');
    expect(result).toMatchObject({ outcome: 'rejected', policyName: 'bulkhead:tenants/acme' });
    expect((result as { error: unknown }).error).toBeInstanceOf(BulkheadFullError);
    for (const permit of held) permit.release();
  });

  it('generic code runs a keyed call through the Bulkhead form execute(fn, { key }) and wrap(fn, { key })', async () => {
    const tenants = tenantCompartments();
    const countRows = tenants.wrap(async (table: string) => `${table}: 3 rows`, { key: 'acme' });
    await expect(countRows('orders')).resolves.toBe('orders: 3 rows');
    await expect(tenants.execute(() => 'globex', { key: 'globex' })).resolves.toBe('globex');
    const runIn = (compartment: Bulkhead) => compartment.execute(() => compartment.name);
    await expect(runIn(tenants.forKey('initech'))).resolves.toBe('tenants/initech');
    expect(tenants.getState()).toMatchObject({ keyCount: 3, totalCalls: 3 });
  });

  it('a policy or decorator on the KeyedBulkhead itself is refused at once: it could never pass a key', () => {
    const tenants = tenantCompartments();
    const message =
      "bulkhead 'tenants' is a KeyedBulkhead: each call needs a key; protect a key's view, forKey(key), instead";
    expect(() => new BulkheadPolicy(tenants)).toThrow(new TypeError(message));
    expect(() => bulkhead(tenants)).toThrow(new TypeError(message));
  });
});
