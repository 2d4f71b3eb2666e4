import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Bulkhead,
  BulkheadClosedError,
  BulkheadFullError,
  BulkheadNotFoundError,
  BulkheadPolicy,
  BulkheadTimeoutError,
  bulkheadPolicy,
  getBulkheadRegistry,
  isPolicySuccess,
  isRejection,
  SemaphoreBulkhead,
} from './index.js';
import { deferred, useFakeClock } from './test-support/async-helpers.js';

const created: string[] = [];
function uniqueName(label: string): string {
  const name = `policy-test-${label}-${created.length}`;
  created.push(name);
  return name;
}

afterEach(() => {
  vi.useRealTimers();
  for (const name of created.splice(0)) getBulkheadRegistry().unregister(name);
});

/** A bulkhead whose execute always fails with `error` (e.g. a thread pool's run timeout). */
function failingBulkhead(name: string, error: unknown): Bulkhead {
  const inner = new SemaphoreBulkhead(name);
  return {
    name,
    type: 'thread_pool',
    acquire: (options) => inner.acquire(options),
    execute: () => Promise.reject(error),
    wrap: (fn, options) => inner.wrap(fn, options),
    getState: () => inner.getState(),
    on: (event, listener) => inner.on(event, listener),
  };
}

describe('bulkheadPolicy()', () => {
  it('every policy of one name shares one compartment in the process-wide registry', async () => {
    const name = uniqueName('shared');
    const first = bulkheadPolicy(name, { maxConcurrent: 1 });
    const second = bulkheadPolicy(name, { maxConcurrent: 50 });
    expect(second.bulkhead).toBe(first.bulkhead);
    expect(getBulkheadRegistry().get(name)).toBe(first.bulkhead);
    expect(first.bulkhead.getState().maxConcurrent).toBe(1);
    const gate = deferred<string>();
    const running = first.execute(() => gate.promise);
    const result = await second.execute(() => 'never runs');
    expect(result.outcome).toBe('rejected');
    gate.resolve('done');
    await expect(running).resolves.toEqual({
      outcome: 'success',
      value: 'done',
      policyName: `bulkhead:${name}`,
    });
  });

  it('uses a compartment registered earlier', () => {
    const name = uniqueName('preregistered');
    const bulkhead = getBulkheadRegistry().register(new SemaphoreBulkhead(name, { maxConcurrent: 2 }));
    expect(bulkheadPolicy(name).bulkhead).toBe(bulkhead);
  });

  it('names the policy and the compartment', () => {
    const name = uniqueName('names');
    const policy = bulkheadPolicy(name);
    expect(policy.name).toBe(`bulkhead:${name}`);
    expect(policy.bulkheadName).toBe(name);
  });

  it('validates the name and the options', () => {
    expect(() => bulkheadPolicy('')).toThrow(new RangeError('name must not be empty'));
    expect(() => bulkheadPolicy(3 as never)).toThrow(new TypeError('name must be a string, got number 3'));
    expect(() => bulkheadPolicy('x', 'fast' as never)).toThrow(
      new TypeError('options must be an object, got string "fast"'),
    );
    const name = uniqueName('bad-timeout');
    expect(() => bulkheadPolicy(name, { timeout: -5 })).toThrow(
      new RangeError('options.timeout must be >= 0, got -5'),
    );
    expect(getBulkheadRegistry().has(name)).toBe(false);
  });

  it('creates the compartment with queueOrder and onQueueFull, validated first', () => {
    const name = uniqueName('queue-options');
    const policy = bulkheadPolicy(name, { maxQueue: 2, queueOrder: 'lifo', onQueueFull: 'drop-oldest' });
    expect(policy.bulkhead).toMatchObject({ maxQueue: 2, queueOrder: 'lifo', onQueueFull: 'drop-oldest' });
    const invalid = uniqueName('bad-queue-order');
    expect(() => bulkheadPolicy(invalid, { queueOrder: 'newest' as never })).toThrow(
      new TypeError('options.queueOrder must be one of fifo, lifo, got string "newest"'),
    );
    expect(getBulkheadRegistry().has(invalid)).toBe(false);
  });
});

describe('BulkheadPolicy.execute outcomes', () => {
  it('success carries the value; fn gets the signal', async () => {
    const policy = new BulkheadPolicy(new SemaphoreBulkhead('success'));
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const result = await policy.execute(
      ({ signal }) => {
        seen = signal;
        return 21 * 2;
      },
      { signal: controller.signal },
    );
    expect(result).toEqual({ outcome: 'success', value: 42, policyName: 'bulkhead:success' });
    expect(isPolicySuccess(result)).toBe(true);
    expect(seen).toBe(controller.signal);
  });

  it('rejected when full (queue_full) and when closed (shutdown), without calling fn', async () => {
    const bulkhead = new SemaphoreBulkhead('rejected', { maxConcurrent: 1 });
    const policy = new BulkheadPolicy(bulkhead);
    const fn = vi.fn(() => 'ran');
    bulkhead.tryAcquire();
    const full = await policy.execute(fn);
    expect(full.outcome).toBe('rejected');
    expect(isPolicySuccess(full)).toBe(false);
    expect(!isPolicySuccess(full) && full.error).toBeInstanceOf(BulkheadFullError);
    void bulkhead.close();
    const closed = await policy.execute(fn);
    expect(closed).toMatchObject({ outcome: 'rejected', policyName: 'bulkhead:rejected' });
    expect(!isPolicySuccess(closed) && closed.error).toBeInstanceOf(BulkheadClosedError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('with a timeout it waits for a permit, then reports a queue timeout as rejected', async () => {
    useFakeClock();
    const bulkhead = new SemaphoreBulkhead('waiting', { maxConcurrent: 1 });
    const policy = new BulkheadPolicy(bulkhead, { timeout: 100 });
    const held = bulkhead.tryAcquire()!;
    const admitted = policy.execute(() => 'after wait');
    await vi.advanceTimersByTimeAsync(50);
    held.release();
    await expect(admitted).resolves.toMatchObject({ outcome: 'success', value: 'after wait' });
    bulkhead.tryAcquire();
    const timedOut = policy.execute(() => 'never');
    await vi.advanceTimersByTimeAsync(100);
    const result = await timedOut;
    expect(result.outcome).toBe('rejected');
    expect(!isPolicySuccess(result) && result.error).toMatchObject({ reason: 'queue_timeout' });
  });

  it('timeout when the bulkhead reports a BulkheadTimeoutError (a run timeout)', async () => {
    const error = new BulkheadTimeoutError({ bulkheadName: 'pool', timeout: 30 });
    const result = await new BulkheadPolicy(failingBulkhead('pool', error)).execute(() => 1);
    expect(result).toEqual({ outcome: 'timeout', error, policyName: 'bulkhead:pool' });
  });

  it('business errors propagate unchanged, whatever was thrown, and the permit comes back', async () => {
    const bulkhead = new SemaphoreBulkhead('business', { maxConcurrent: 1 });
    const policy = new BulkheadPolicy(bulkhead);
    const businessError = new TypeError('invalid order');
    await expect(
      policy.execute(() => {
        throw businessError;
      }),
    ).rejects.toBe(businessError);
    await expect(policy.execute(() => Promise.reject('a string'))).rejects.toBe('a string');
    const notFound = new BulkheadNotFoundError({ bulkheadName: 'other', registeredNames: [] });
    await expect(policy.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
    expect(bulkhead.activeCount).toBe(0);
  });

  it('the constructor validates its arguments', () => {
    expect(() => new BulkheadPolicy({} as never)).toThrow(
      new TypeError('bulkhead must implement the Bulkhead contract'),
    );
    expect(() => new BulkheadPolicy(null as never)).toThrow(TypeError);
    expect(() => new BulkheadPolicy(new SemaphoreBulkhead('v'), { timeout: 'soon' as never })).toThrow(
      new TypeError('options.timeout must be a number of milliseconds, got string "soon"'),
    );
  });
});

describe('isRejection', () => {
  it('is true for full and closed errors only', () => {
    expect(
      isRejection(
        new BulkheadFullError({ bulkheadName: 'a', maxConcurrent: 1, activeCount: 1, reason: 'queue_full' }),
      ),
    ).toBe(true);
    expect(isRejection(new BulkheadClosedError({ bulkheadName: 'a' }))).toBe(true);
    expect(isRejection(new BulkheadTimeoutError({ bulkheadName: 'a', timeout: 1 }))).toBe(false);
    expect(isRejection(new BulkheadNotFoundError({ bulkheadName: 'a', registeredNames: [] }))).toBe(false);
    expect(isRejection(new Error('plain'))).toBe(false);
    expect(isRejection(undefined)).toBe(false);
  });
});
