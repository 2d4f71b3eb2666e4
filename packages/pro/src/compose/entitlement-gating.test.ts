import { type EntitlementLogger, init, registerProProvider, SemaphoreBulkhead } from '@x/bulkhead-core';
import { resetEntitlementForTesting } from '@x/bulkhead-core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetFeatureReportsForTesting } from '../feature-gate.js';
import { composePolicy } from './composed-policy.js';

function recordingLogger() {
  const records: Array<Record<string, unknown>> = [];
  const logger: EntitlementLogger = {
    info: (object) => records.push({ level: 'info', ...object }),
    warn: (object) => records.push({ level: 'warn', ...object }),
  };
  return { logger, records };
}

afterEach(() => {
  resetEntitlementForTesting();
  resetFeatureReportsForTesting();
});

describe('ComposedPolicy entitlement gating', () => {
  it('without PRO: runs bulkhead + timeout + fallback without the breaker, and logs once', async () => {
    const { logger, records } = recordingLogger();
    await init({ logger, env: {} });
    const bulkhead = new SemaphoreBulkhead('oss', { maxConcurrent: 1 });
    const policy = composePolicy({ bulkhead });
    policy.breaker?.open();
    // An open breaker has no effect on OSS: the call runs.
    expect(await policy.execute(() => 'ran')).toMatchObject({ outcome: 'success', value: 'ran' });
    expect(await policy.execute(() => 'ran again')).toMatchObject({ outcome: 'success' });
    expect(policy.getStatus()).toMatchObject({ tier: 'oss', breaker: null });
    const warnings = records.filter((record) => record.event === 'entitlement.pro_feature_unavailable');
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 'warn',
        feature: 'policy_composer',
        tier: 'oss',
        reason: 'missing_key',
      }),
    ]);
    policy.shutdown();
  });

  it('with a PRO entitlement that includes policy_composer: the breaker is active', async () => {
    const { logger } = recordingLogger();
    registerProProvider({
      registerProServices: () => ({ tier: 'pro', features: ['policy_composer'] }),
    });
    await init({ logger, licenseKey: 'test-key-for-gating' });
    const policy = composePolicy({ bulkhead: new SemaphoreBulkhead('pro') });
    policy.breaker?.open();
    expect((await policy.execute(() => 'never')).outcome).toBe('short_circuited');
    expect(policy.getStatus()).toMatchObject({ tier: 'pro', breaker: { state: 'open' } });
    policy.shutdown();
  });

  it('the injected entitlementCheck is consulted on every call', async () => {
    const entitled = vi.fn(() => false);
    const policy = composePolicy({ bulkhead: new SemaphoreBulkhead('switch'), entitlementCheck: entitled });
    policy.breaker?.open();
    expect((await policy.execute(() => 'ran')).outcome).toBe('success');
    entitled.mockReturnValue(true);
    expect((await policy.execute(() => 'never')).outcome).toBe('short_circuited');
    policy.shutdown();
  });
});
