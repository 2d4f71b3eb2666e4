import { afterEach, describe, expect, it, vi } from 'vitest';
import { BulkheadClosedError, BulkheadFullError } from '../errors.js';
import { isBulkhead } from '../is-bulkhead.js';
import type { Permit } from '../permit.js';
import { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import { flush, track, useFakeClock } from '../test-support/async-helpers.js';
import { KeyedBulkhead } from './keyed-bulkhead.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('KeyedBulkhead', () => {
  it('gives each key its own compartment, created on first use', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1, maxQueue: 0 } });
    const held = await tenants.acquire('acme');
    await expect(tenants.acquire('acme')).rejects.toMatchObject({ reason: 'queue_full' });
    await expect(tenants.execute('globex', () => 'served')).resolves.toBe('served');
    expect(tenants.getState()).toMatchObject({
      type: 'keyed',
      keyCount: 2,
      activeCount: 1,
      rejectedCount: 1,
    });
    expect(tenants.getState().keys).toBeUndefined();
    held.release();
  });

  it('evicts a key idle for idleTimeout (at most 1.5 × idleTimeout), and never one in use', async () => {
    useFakeClock();
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 }, idleTimeout: 1_000 });
    const busy = await tenants.acquire('busy');
    const waiting = track(tenants.acquire('busy', { timeout: Number.POSITIVE_INFINITY }));
    await tenants.execute('quiet', () => undefined);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(tenants.getState()).toMatchObject({ keyCount: 1, evictedKeys: 1 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(tenants.keyState('busy')).toMatchObject({ activeCount: 1, waitingCount: 1 });
    busy.release();
    await flush();
    waiting.value!.release();
    // Evicted between idleTimeout and 1.5 × idleTimeout after it became idle (see IdleSweeper).
    await vi.advanceTimersByTimeAsync(999);
    expect(tenants.keyCount).toBe(1);
    await vi.advanceTimersByTimeAsync(501);
    expect(tenants.keyCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('at maxKeys evicts the least recently used idle key, and rejects a new key when none is idle', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 }, maxKeys: 2 });
    await tenants.execute('a', () => undefined);
    await tenants.execute('b', () => undefined);
    await tenants.execute('a', () => undefined);
    await tenants.execute('c', () => undefined);
    expect(tenants.keyState('b').totalCalls).toBe(0);
    expect(tenants.keyState('a').totalCalls).toBe(2);
    const a = await tenants.acquire('a');
    const c = await tenants.acquire('c');
    const rejection = await tenants.acquire('d').catch((error: unknown) => error);
    expect(BulkheadFullError.isInstance(rejection)).toBe(true);
    expect(rejection).toMatchObject({ reason: 'queue_full', bulkheadName: 'tenants' });
    expect(tenants.getState()).toMatchObject({ keyCount: 2, evictedKeys: 1 });
    a.release();
    c.release();
  });

  it('takes the key permit first, then the global one, and releases both exactly once', async () => {
    const global = new SemaphoreBulkhead('global', { maxConcurrent: 2 });
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 2 }, global });
    const permit = await tenants.acquire('acme');
    expect(global.activeCount).toBe(1);
    expect(tenants.keyState('acme').activeCount).toBe(1);
    permit.release();
    permit.release();
    expect(global.activeCount).toBe(0);
    expect(tenants.activeCount).toBe(0);
    await expect(tenants.execute('acme', () => 'ok')).resolves.toBe('ok');
    expect(global.getState().totalCalls).toBe(2);
  });

  it('gives the key permit back at once when the global bulkhead rejects', async () => {
    const global = new SemaphoreBulkhead('global', { maxConcurrent: 1 });
    const globalHeld = global.tryAcquire()!;
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 }, global });
    const rejection = await tenants.acquire('acme').catch((error: unknown) => error);
    expect(rejection).toMatchObject({ bulkheadName: 'global', reason: 'queue_full' });
    expect(tenants.keyState('acme')).toMatchObject({ activeCount: 0, rejectedCount: 1 });
    expect(tenants.getState()).toMatchObject({ activeCount: 0, rejectedCount: 1 });
    globalHeld.release();
    await expect(tenants.execute('acme', () => 'ok')).resolves.toBe('ok');
  });

  it('lets a key waiter wait for the global permit within what is left of its timeout', async () => {
    useFakeClock();
    const global = new SemaphoreBulkhead('global', { maxConcurrent: 1 });
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 }, global });
    const first = await tenants.acquire('acme');
    const second = track(tenants.acquire('acme', { timeout: 100 }));
    const otherKey = track(tenants.acquire('globex', { timeout: 100 }));
    await vi.advanceTimersByTimeAsync(40);
    // The key permit goes to the waiter at once; it then waits for the global permit (60 ms left).
    first.release();
    await flush();
    expect(otherKey.status).toBe('fulfilled');
    expect(tenants.keyState('acme').activeCount).toBe(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(second.status).toBe('rejected');
    expect((second.error as BulkheadFullError).reason).toBe('queue_timeout');
    // No permit is kept after waiting in vain.
    expect(tenants.keyState('acme').activeCount).toBe(0);
    otherKey.value!.release();
    expect(global.activeCount).toBe(0);
  });

  it('has no deadlock when every key waits on a full global bulkhead', async () => {
    const global = new SemaphoreBulkhead('global', { maxConcurrent: 2 });
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 }, global });
    const calls = ['a', 'b', 'c', 'a', 'b', 'c'].map((key) =>
      track(
        tenants.execute(
          key,
          async () => {
            await flush();
            return key;
          },
          { timeout: Number.POSITIVE_INFINITY },
        ),
      ),
    );
    for (let round = 0; round < 20; round++) await flush();
    expect(calls.map((call) => call.value)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(global.activeCount).toBe(0);
    expect(tenants.activeCount).toBe(0);
  });

  it('forKey() returns a Bulkhead of the key that works with the contract check', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 } });
    const acme = tenants.forKey('acme');
    expect(isBulkhead(acme)).toBe(true);
    expect(acme.name).toBe('tenants/acme');
    const call = acme.wrap((a: number, b: number) => a + b);
    await expect(call(1, 2)).resolves.toBe(3);
    expect(acme.getState()).toMatchObject({
      name: 'tenants/acme',
      type: 'keyed',
      totalCalls: 1,
      successfulCalls: 1,
    });
    expect(() => tenants.forKey('')).toThrow(RangeError);
  });

  it('names the key in its events (adapters label by key only when asked to)', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1, maxQueue: 0 } });
    const trace: string[] = [];
    tenants.on('permitted', (event) => trace.push(`permitted ${event.key} ${event.bulkheadName}`));
    tenants.on('rejected', (event) => trace.push(`rejected ${event.key} ${event.reason}`));
    tenants.on('finished', (event) => trace.push(`finished ${event.key} ${event.outcome}`));
    const held = await tenants.acquire('acme');
    await expect(tenants.acquire('acme')).rejects.toMatchObject({ reason: 'queue_full' });
    held.release();
    await tenants.execute('globex', () => 'served');
    expect(trace).toEqual([
      'permitted acme tenants',
      'rejected acme queue_full',
      'finished acme success',
      'permitted globex tenants',
      'finished globex success',
    ]);
  });

  it('lists each key in state only when opted in', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 2 }, perKeyState: true });
    const permit = await tenants.acquire('acme');
    expect(tenants.getState().keys).toEqual({ acme: { active: 1, waiting: 0, rejected: 0 } });
    permit.release();
  });

  it('close() rejects every waiter, admits nothing, and resolves once the running calls are done', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 } });
    const permits: Permit[] = [await tenants.acquire('a'), await tenants.acquire('b')];
    const waiters = [
      track(tenants.acquire('a', { timeout: Number.POSITIVE_INFINITY })),
      track(tenants.acquire('b', { timeout: Number.POSITIVE_INFINITY })),
    ];
    const closed = track(tenants.close());
    await flush();
    expect(waiters.every((waiter) => BulkheadClosedError.isInstance(waiter.error))).toBe(true);
    await expect(tenants.acquire('c')).rejects.toBeInstanceOf(BulkheadClosedError);
    permits[0]!.release();
    await flush();
    expect(closed.status).toBe('pending');
    permits[1]!.release();
    await flush();
    expect(closed.status).toBe('fulfilled');
    expect(tenants.keyCount).toBe(0);
  });

  it('rejects a key that is not a non-empty string and invalid options, naming them', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 } });
    await expect(tenants.execute(42 as never, () => 1)).rejects.toThrow(
      new TypeError('key must be a string, got number 42'),
    );
    expect(() => new KeyedBulkhead('t', { perKey: { maxConcurrent: 0 } })).toThrow(
      new RangeError('options.perKey.maxConcurrent must be >= 1, got 0'),
    );
    expect(() => new KeyedBulkhead('t', { perKey: { maxConcurrent: 1 }, idleTimout: 5 } as never)).toThrow(
      new TypeError('options.idleTimout is not a known option; did you mean idleTimeout?'),
    );
    expect(() => new KeyedBulkhead('t', { perKey: { maxConcurrent: 1 }, global: {} as never })).toThrow(
      new TypeError('options.global must be a Bulkhead, got object'),
    );
    expect(() => new KeyedBulkhead('t', undefined as never)).toThrow(TypeError);
  });
});

describe('KeyedBulkhead queue order, priorities and shedding', () => {
  it('serves a key’s high-priority waiters first and drops its oldest waiter when full (drop-oldest)', async () => {
    const tenants = new KeyedBulkhead('tenants', {
      perKey: { maxConcurrent: 1, maxQueue: 2 },
      onQueueFull: 'drop-oldest',
    });
    const held = await tenants.acquire('acme');
    const started: string[] = [];
    const queue = (label: string, priority?: 'low' | 'high') =>
      track(
        tenants.execute(
          'acme',
          () => {
            started.push(label);
          },
          { timeout: Number.POSITIVE_INFINITY, ...(priority === undefined ? {} : { priority }) },
        ),
      );
    const oldest = queue('low', 'low');
    queue('normal');
    queue('high', 'high');
    await flush();
    expect((oldest.error as BulkheadFullError).reason).toBe('dropped');
    // Another key is never shed for this one.
    expect(tenants.keyState('acme')).toMatchObject({ waitingCount: 2, rejectedCount: 1 });
    held.release();
    for (let round = 0; round < 10; round++) await flush();
    expect(started).toEqual(['high', 'normal']);
  });
});

describe('KeyedBulkhead as a Bulkhead', () => {
  it('takes the key from the options in execute(fn, { key }) and acquire({ key })', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1, maxQueue: 0 } });
    expect(isBulkhead(tenants)).toBe(true);
    const held = await tenants.acquire({ key: 'acme' });
    await expect(tenants.execute(() => 'again', { key: 'acme' })).rejects.toMatchObject({
      reason: 'queue_full',
    });
    await expect(tenants.execute(() => 'served', { key: 'globex' })).resolves.toBe('served');
    const wrapped = tenants.wrap((greeting: string) => `${greeting} initech`, { key: 'initech' });
    await expect(wrapped('hello')).resolves.toBe('hello initech');
    expect(tenants.getState()).toMatchObject({ keyCount: 3, activeCount: 1, rejectedCount: 1 });
    held.release();
  });

  it('rejects a Bulkhead-form call without a key, naming it', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 } });
    await expect(tenants.execute(() => 'no key', {})).rejects.toThrow(/key/);
    await expect(tenants.acquire({ timeout: 10 })).rejects.toThrow(/key/);
    await expect(
      tenants.execute(() => 'typo', { key: 'acme', timeotu: 5 } as unknown as { key: string }),
    ).rejects.toThrow(/timeotu/);
  });
});

describe('KeyedBulkhead.forKey() events', () => {
  it('sends only the events of its own key', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 } });
    const acmeTrace: string[] = [];
    tenants.forKey('acme').on('finished', (event) => acmeTrace.push(`${event.key} ${event.outcome}`));
    await tenants.execute('globex', () => 'globex');
    await tenants.forKey('acme').execute(() => 'acme');
    expect(acmeTrace).toEqual(['acme success']);
  });
});
