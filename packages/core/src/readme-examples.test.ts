import { afterEach, describe, expect, it } from 'vitest';
import {
  BulkheadFullError,
  BulkheadNotFoundError,
  bulkhead,
  bulkheadPolicy,
  getBulkheadRegistry,
  init,
  SemaphoreBulkhead,
} from './index.js';
import { resetEntitlementForTesting } from './testing.js';

// Each README example of this package, run as written (with stand-ins for the user's own functions).

const order = { id: 'order-1' };
async function chargeCard(_order: unknown, _options?: { signal?: AbortSignal }): Promise<string> {
  return 'receipt-1';
}
async function fetchStock(_sku: string): Promise<number> {
  return 7;
}

describe('README: semaphore bulkhead', () => {
  it('runs, holds a permit with await using, and rejects with a reason', async () => {
    const payments = new SemaphoreBulkhead('payments', { maxConcurrent: 10, maxQueue: 100 });
    const receipt = await payments.execute(({ signal }) => chargeCard(order, { signal }), { timeout: 2_000 });
    expect(receipt).toBe('receipt-1');
    {
      await using permit = await payments.acquire({ timeout: 5_000 });
      expect(permit.released).toBe(false);
      expect(payments.getState().activeCount).toBe(1);
      await chargeCard(order);
    }
    expect(payments.getState().activeCount).toBe(0);

    const permit = await payments.acquire({ timeout: 5_000 });
    try {
      expect(payments.getState().activeCount).toBe(1);
      await chargeCard(order);
    } finally {
      permit.release();
    }
    expect(payments.getState().activeCount).toBe(0);

    const full = new SemaphoreBulkhead('payments-full', { maxConcurrent: 1 });
    const held = full.tryAcquire();
    let reason: string | undefined;
    try {
      await full.execute(() => chargeCard(order));
    } catch (error) {
      if (BulkheadFullError.isInstance(error)) reason = error.reason;
    }
    expect(reason).toBe('queue_full');
    held?.release();
  });

  it('shows state and events as documented', async () => {
    const payments = new SemaphoreBulkhead('payments-state', { maxConcurrent: 10, maxQueue: 100 });
    const permits = [payments.tryAcquire(), payments.tryAcquire(), payments.tryAcquire()];
    expect(payments.getState()).toEqual({
      name: 'payments-state',
      type: 'semaphore',
      maxConcurrent: 10,
      activeCount: 3,
      waitingCount: 0,
      maxQueue: 100,
      rejectedCount: 0,
      totalCalls: 3,
      successfulCalls: 0,
      failedCalls: 0,
      lastRejectionTime: null,
      availablePermits: 7,
      utilizationPercent: 30,
      closed: false,
    });
    const seen: string[] = [];
    const stop = payments.on('finished', ({ outcome }) => seen.push(outcome));
    await payments.execute(() => 1);
    stop();
    await payments.execute(() => 1);
    expect(seen).toEqual(['success']);
    for (const permit of permits) permit?.release();
  });
});

describe('README: registry, policies and the decorator', () => {
  it('works as written', async () => {
    const registry = getBulkheadRegistry();
    registry.getOrCreate('inventory', { maxConcurrent: 5 });
    expect(registry.get('inventory').getState().maxConcurrent).toBe(5);
    expect(() => registry.get('nope')).toThrow(BulkheadNotFoundError);
    expect(registry.getAllStates().inventory?.maxConcurrent).toBe(5);

    const policy = bulkheadPolicy('inventory', { timeout: 1_000 });
    const result = await policy.execute(() => fetchStock('sku-1'));
    expect(result.outcome).toBe('success');
    if (result.outcome === 'success') expect(result.value).toBe(7);

    const getStock = bulkhead('inventory', { timeout: 500, fallback: () => 0 })(fetchStock);
    expect(await getStock('sku-1')).toBe(7);

    class StockService {
      @bulkhead('inventory', { fallback: () => 0 })
      async count(sku: string) {
        return fetchStock(sku);
      }
    }
    expect(await new StockService().count('sku-1')).toBe(7);
    registry.unregister('inventory');
  });
});

describe('README: init()', () => {
  afterEach(() => resetEntitlementForTesting());

  it('resolves to an OSS entitlement without a key and logs the skip', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = { info: (object: Record<string, unknown>) => lines.push(object), warn: () => {} };
    const entitlement = await init({ logger, env: {} });
    expect(entitlement).toEqual({ tier: 'oss', reason: 'missing_key', features: [] });
    expect(lines).toEqual([{ event: 'entitlement.pro_registration_skipped', reason: 'missing_key' }]);
  });
});
