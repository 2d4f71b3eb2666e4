import { init } from '@x/bulkhead-core';
import { afterEach, describe, expect, it } from 'vitest';
import { drain } from './drain.js';
import { entitleForTesting, resetProStateForTesting } from './test-support/entitle.js';
import { captureLogs } from './test-support/license-fixtures.js';

afterEach(() => resetProStateForTesting());

describe('drain() (process-wide)', () => {
  it('drains the PRO registry installed by init()', async () => {
    await entitleForTesting();
    expect(await drain({ timeout: 1_000 })).toEqual({ status: 'drained', busy: [] });
  });

  it('without PRO: logs pro_feature_unavailable once and changes nothing (OSS behaviour)', async () => {
    const logs = captureLogs();
    await init({ logger: logs.logger, env: {} });
    expect(await drain()).toEqual({ status: 'unavailable', busy: [] });
    expect(await drain()).toEqual({ status: 'unavailable', busy: [] });
    expect(logs.events('entitlement.pro_feature_unavailable')).toEqual([
      expect.objectContaining({ object: expect.objectContaining({ feature: 'drain', tier: 'oss' }) }),
    ]);
  });

  it('validates options even without PRO', async () => {
    await expect(drain({ timeout: -5 })).rejects.toThrow(RangeError);
    await expect(drain({ timeout: null } as never)).rejects.toThrow(
      new TypeError('options.timeout must be a number of milliseconds, got null'),
    );
    await expect(drain({ timeuot: 5 } as never)).rejects.toThrow('options.timeuot is not a known option');
  });
});
