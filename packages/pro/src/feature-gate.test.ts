import { init } from '@x/bulkhead-core';
import { afterEach, describe, expect, it } from 'vitest';
import { isProFeatureEnabled } from './feature-gate.js';
import { getConfigEventBus } from './registry/config-events.js';
import { entitleForTesting, resetProStateForTesting } from './test-support/entitle.js';
import { captureLogs } from './test-support/license-fixtures.js';

afterEach(() => resetProStateForTesting());

describe('isProFeatureEnabled', () => {
  it('is false on OSS and reports each feature once', async () => {
    const logs = captureLogs();
    await init({ logger: logs.logger, env: {} });
    expect(isProFeatureEnabled('admin_api')).toBe(false);
    expect(isProFeatureEnabled('admin_api')).toBe(false);
    expect(isProFeatureEnabled('drain')).toBe(false);
    expect(logs.events('entitlement.pro_feature_unavailable').map((record) => record.object)).toEqual([
      {
        event: 'entitlement.pro_feature_unavailable',
        feature: 'admin_api',
        tier: 'oss',
        reason: 'missing_key',
      },
      { event: 'entitlement.pro_feature_unavailable', feature: 'drain', tier: 'oss', reason: 'missing_key' },
    ]);
  });

  it('is true for licensed features and for every feature with *', async () => {
    await entitleForTesting(['drain']);
    expect(isProFeatureEnabled('drain')).toBe(true);
    expect(isProFeatureEnabled('admin_api')).toBe(false);
    await entitleForTesting(['*']);
    expect(isProFeatureEnabled('admin_api')).toBe(true);
  });
});

describe('process-wide state', () => {
  it('returns one process-wide bus', () => {
    expect(getConfigEventBus()).toBe(getConfigEventBus());
  });

  it("lives in core's one global slot: PRO keeps no global of its own", async () => {
    await init({ logger: captureLogs().logger, env: {} });
    isProFeatureEnabled('admin_api');
    const slot = (globalThis as Record<symbol, { extensions: Map<string, unknown> } | undefined>)[
      Symbol.for('x.bulkhead.global.v1')
    ];
    expect(slot?.extensions.get('@x/bulkhead-pro/config-events')).toBe(getConfigEventBus());
    expect(slot?.extensions.get('@x/bulkhead-pro/reported-features')).toEqual(new Set(['admin_api']));
    const proGlobals = Object.getOwnPropertySymbols(globalThis).filter((symbol) =>
      String(symbol.description).startsWith('x.bulkhead.pro'),
    );
    expect(proGlobals).toEqual([]);
  });
});
