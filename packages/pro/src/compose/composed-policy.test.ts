import { BulkheadFullError, SemaphoreBulkhead } from '@x/bulkhead-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitOpenError } from './circuit-open-error.js';
import { type ComposedPolicy, composePolicy } from './composed-policy.js';
import { deferred, flushMicrotasks, traceOf } from './test-support/compose-test-kit.js';

const pro = () => true;
const policies: ComposedPolicy[] = [];
function policyOf(options: Parameters<typeof composePolicy>[0]): ComposedPolicy {
  const policy = composePolicy({ entitlementCheck: pro, ...options });
  policies.push(policy);
  return policy;
}
afterEach(() => {
  for (const policy of policies.splice(0)) policy.shutdown();
  vi.useRealTimers();
});

describe('ComposedPolicy: order breaker → bulkhead → function', () => {
  it('a successful call: permit, breaker fire, work, release, breaker success', async () => {
    const bulkhead = new SemaphoreBulkhead('orders', { maxConcurrent: 2 });
    const policy = policyOf({ bulkhead });
    const trace = traceOf(bulkhead, policy.breaker);
    const result = await policy.execute(() => {
      trace.push('work');
      return 42;
    });
    expect(result).toEqual({ outcome: 'success', value: 42, policyName: 'composed:orders' });
    expect(trace).toEqual([
      'bulkhead:permitted',
      'breaker:fire',
      'work',
      'bulkhead:finished:success',
      'breaker:success',
    ]);
  });

  it('an open breaker short-circuits at once without taking a slot or calling the function', async () => {
    const bulkhead = new SemaphoreBulkhead('orders', { maxConcurrent: 1 });
    const policy = policyOf({ bulkhead });
    const trace = traceOf(bulkhead, policy.breaker);
    policy.breaker?.open();
    const work = vi.fn(() => 'never');
    const result = await policy.execute(work);
    expect(result.outcome).toBe('short_circuited');
    expect(result.outcome !== 'success' && CircuitOpenError.isInstance(result.error)).toBe(true);
    expect(work).not.toHaveBeenCalled();
    expect(trace).toEqual(['breaker:open']);
    expect(bulkhead.getState().rejectedCount).toBe(0);
  });

  it('a business error is a `failure` and counts as a breaker failure', async () => {
    const bulkhead = new SemaphoreBulkhead('orders');
    const policy = policyOf({ bulkhead, breaker: { errorThresholdPercentage: 1 } });
    const trace = traceOf(bulkhead, policy.breaker);
    const boom = new Error('dependency down');
    const result = await policy.execute(() => Promise.reject(boom));
    expect(result).toEqual({ outcome: 'failure', error: boom, policyName: 'composed:orders' });
    expect(trace).toEqual([
      'bulkhead:permitted',
      'breaker:fire',
      'bulkhead:finished:failure',
      'breaker:failure',
      'breaker:open',
    ]);
  });
});

describe('ComposedPolicy: a function that throws synchronously', () => {
  it.each([
    ['with the breaker', {}],
    ['without the breaker', false],
  ] as const)('%s is a `failure` result and its slot is released once', async (_label, breaker) => {
    const bulkhead = new SemaphoreBulkhead('sync', { maxConcurrent: 1 });
    const policy = policyOf({ bulkhead, breaker, timeout: 1000 });
    const trace = traceOf(bulkhead);
    const boom = new Error('thrown before any await');
    const result = await policy.execute(() => {
      throw boom;
    });
    expect(result).toEqual({ outcome: 'failure', error: boom, policyName: 'composed:sync' });
    expect(trace).toEqual(['bulkhead:permitted', 'bulkhead:finished:failure']);
    expect(bulkhead.getState().activeCount).toBe(0);
  });
});

describe('ComposedPolicy: bulkhead rejections never count as breaker failures', () => {
  it('saturating the bulkhead yields `rejected` results and leaves the breaker closed and unaware', async () => {
    const bulkhead = new SemaphoreBulkhead('payments', { maxConcurrent: 1 });
    const policy = policyOf({ bulkhead, breaker: { errorThresholdPercentage: 1, volumeThreshold: 0 } });
    const gate = deferred<string>();
    const held = policy.execute(() => gate.promise);
    for (let index = 0; index < 20; index++) {
      const result = await policy.execute(() => 'never runs');
      expect(result.outcome).toBe('rejected');
      expect(result.outcome !== 'success' && BulkheadFullError.isInstance(result.error)).toBe(true);
    }
    expect(policy.breaker?.stats).toMatchObject({ fires: 1, failures: 0, successes: 0 });
    expect(policy.getStatus().breaker?.state).toBe('closed');
    gate.resolve('done');
    expect((await held).outcome).toBe('success');
  });

  it('contrast: the naive composition (bulkhead inside opossum, no filter) trips the breaker on overload', async () => {
    const { default: CircuitBreaker } = await import('opossum');
    const bulkhead = new SemaphoreBulkhead('naive', { maxConcurrent: 1 });
    const gate = deferred<string>();
    const naive = new CircuitBreaker((fn: () => Promise<string>) => bulkhead.execute(fn), {
      errorThresholdPercentage: 1,
      timeout: false,
    });
    const held = naive.fire(() => gate.promise);
    await expect(naive.fire(async () => 'x')).rejects.toThrow(BulkheadFullError);
    expect(naive.opened).toBe(true);
    gate.resolve('done');
    await held;
    naive.shutdown();
  });

  it('a rejection during the half-open trial does not close the breaker; the real trial does', async () => {
    vi.useFakeTimers();
    const bulkhead = new SemaphoreBulkhead('inventory', { maxConcurrent: 1 });
    const policy = policyOf({ bulkhead, breaker: { resetTimeout: 1000 } });
    const trace = traceOf(bulkhead, policy.breaker);
    policy.breaker?.open();
    await vi.advanceTimersByTimeAsync(1000);
    expect(policy.getStatus().breaker?.state).toBe('half_open');
    const occupier = bulkhead.tryAcquire();
    const rejected = await policy.execute(() => 'never runs');
    expect(rejected.outcome).toBe('rejected');
    expect(policy.getStatus().breaker?.state).toBe('half_open');
    occupier?.release();
    const trial = await policy.execute(() => 'healthy');
    expect(trial.outcome).toBe('success');
    expect(policy.getStatus().breaker?.state).toBe('closed');
    expect(trace).toEqual([
      'breaker:open',
      'breaker:halfOpen',
      'bulkhead:permitted',
      'bulkhead:rejected:queue_full',
      'bulkhead:finished:success',
      'bulkhead:permitted',
      'breaker:fire',
      'bulkhead:finished:success',
      // opossum's own success listener (registered first) closes the breaker before ours records the success.
      'breaker:close',
      'breaker:success',
    ]);
  });

  it('a breaker that opens while a call waits for its permit short-circuits it and frees the slot unused', async () => {
    const bulkhead = new SemaphoreBulkhead('queueing', { maxConcurrent: 1 });
    const policy = policyOf({ bulkhead, waitTimeout: 60_000 });
    const occupier = bulkhead.tryAcquire();
    const work = vi.fn(() => 'never');
    const pending = policy.execute(work);
    await flushMicrotasks();
    expect(bulkhead.waitingCount).toBe(1);
    policy.breaker?.open();
    occupier?.release();
    const result = await pending;
    expect(result.outcome).toBe('short_circuited');
    expect(work).not.toHaveBeenCalled();
    expect(bulkhead.activeCount).toBe(0);
  });

  it('a signal aborted while waiting for a permit gives `rejected`', async () => {
    const bulkhead = new SemaphoreBulkhead('aborting', { maxConcurrent: 1 });
    const policy = policyOf({ bulkhead, waitTimeout: 60_000 });
    const occupier = bulkhead.tryAcquire();
    const controller = new AbortController();
    const pending = policy.execute(() => 'never', { signal: controller.signal });
    await flushMicrotasks();
    controller.abort(new Error('caller gave up'));
    const result = await pending;
    expect(result.outcome).toBe('rejected');
    expect(bulkhead.waitingCount).toBe(0);
    occupier?.release();
  });
});

describe('ComposedPolicy: fallback', () => {
  it('rescues every non-success outcome and keeps the original outcome', async () => {
    const bulkhead = new SemaphoreBulkhead('fallbacks', { maxConcurrent: 1 });
    const policy = policyOf({ bulkhead, breaker: { errorThresholdPercentage: 100 } });
    const fallback = (failure: { outcome: string }) => `fallback for ${failure.outcome}`;
    const failed = await policy.execute<string>(() => Promise.reject(new Error('x')), { fallback });
    expect(failed).toMatchObject({ outcome: 'failure', fallback: { value: 'fallback for failure' } });
    const occupier = bulkhead.tryAcquire();
    const rejected = await policy.execute<string>(() => 'never', { fallback });
    expect(rejected).toMatchObject({ outcome: 'rejected', fallback: { value: 'fallback for rejected' } });
    occupier?.release();
    policy.breaker?.open();
    const shorted = await policy.execute<string>(() => 'never', { fallback });
    expect(shorted).toMatchObject({
      outcome: 'short_circuited',
      fallback: { value: 'fallback for short_circuited' },
    });
  });

  it('propagates an error thrown by the fallback', async () => {
    const policy = policyOf({ bulkhead: new SemaphoreBulkhead('fallback-error') });
    policy.breaker?.open();
    await expect(
      policy.execute(() => 'never', {
        fallback: () => {
          throw new Error('fallback broke');
        },
      }),
    ).rejects.toThrow('fallback broke');
  });
});

describe('ComposedPolicy: status and arguments', () => {
  it('getStatus() reports bulkhead state, breaker state, orphans and outcome counts', async () => {
    const bulkhead = new SemaphoreBulkhead('status', { maxConcurrent: 3 });
    const policy = policyOf({ bulkhead, breaker: { name: 'status-breaker' } });
    await policy.execute(() => 'ok');
    const status = policy.getStatus();
    expect(status).toMatchObject({
      policyName: 'composed:status',
      tier: 'pro',
      orphanedCount: 0,
      outcomes: { success: 1, failure: 0, rejected: 0, short_circuited: 0, timeout: 0 },
      bulkhead: { name: 'status', maxConcurrent: 3, activeCount: 0, orphanedCount: 0, timedOutCount: 0 },
      breaker: { name: 'status-breaker', state: 'closed', fires: 1, successes: 1, failures: 0 },
    });
    expect(Object.isFrozen(status)).toBe(true);
  });

  it('rejects a non-function', async () => {
    const policy = policyOf({ bulkhead: new SemaphoreBulkhead('args') });
    await expect(policy.execute('nope' as never)).rejects.toThrow('fn must be a function, got string');
  });
});

describe('README example', () => {
  it('composes breaker, bulkhead, timeout and fallback', async () => {
    const fetchStock = async (sku: string, _options: { signal: AbortSignal }) => ({
      sku,
      stock: 7 as number | string,
    });
    const used: unknown[] = [];
    const use = (value: unknown) => used.push(value);
    // README: compose
    const policy = composePolicy({
      bulkhead: new SemaphoreBulkhead('inventory', { maxConcurrent: 10 }),
      timeout: 2000,
      breaker: { errorThresholdPercentage: 50, resetTimeout: 10_000 },
      entitlementCheck: () => true,
    });
    const result = await policy.execute(({ signal }) => fetchStock('sku-1', { signal }), {
      fallback: () => ({ sku: 'sku-1', stock: 'unknown' }),
    });
    if (result.outcome === 'success') use(result.value);
    else use(result.fallback?.value);
    // end README
    policy.breaker?.open();
    const fallen = await policy.execute(({ signal }) => fetchStock('sku-1', { signal }), {
      fallback: () => ({ sku: 'sku-1', stock: 'unknown' }),
    });
    if (fallen.outcome === 'success') use(fallen.value);
    else use(fallen.fallback?.value);
    expect(used).toEqual([
      { sku: 'sku-1', stock: 7 },
      { sku: 'sku-1', stock: 'unknown' },
    ]);
    policy.shutdown();
  });
});
