import { type Bulkhead, SemaphoreBulkhead } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { composePolicy } from './composed-policy.js';
import type { ComposedPolicyOptions } from './composed-policy-options.js';

const bulkhead = new SemaphoreBulkhead('valid');
const cases: Array<[string, unknown, string]> = [
  ['options', null, 'options must be an object, got null'],
  ['bulkhead', { bulkhead: {} as Bulkhead }, 'options.bulkhead must implement the Bulkhead contract'],
  [
    'unknown key',
    { bulkhead, waitTimeOut: 5 },
    'options.waitTimeOut is not a known option; did you mean waitTimeout?',
  ],
  ['name', { bulkhead, name: '' }, 'options.name must not be empty'],
  [
    'timeout (type)',
    { bulkhead, timeout: '5' },
    'options.timeout must be a number of milliseconds, got string "5"',
  ],
  [
    'timeout (null)',
    { bulkhead, timeout: null },
    'options.timeout must be a number of milliseconds, got null',
  ],
  ['timeout (range)', { bulkhead, timeout: 0 }, 'options.timeout must be > 0, got 0'],
  ['timeout (infinite)', { bulkhead, timeout: Number.POSITIVE_INFINITY }, 'options.timeout must be finite'],
  ['waitTimeout', { bulkhead, waitTimeout: -1 }, 'options.waitTimeout must be >= 0, got -1'],
  ['entitlementCheck', { bulkhead, entitlementCheck: true }, 'options.entitlementCheck must be a function'],
  ['breaker', { bulkhead, breaker: 'yes' }, 'options.breaker must be an object or false, got string "yes"'],
  [
    'breaker (unknown key)',
    { bulkhead, breaker: { resetTimout: 5 } },
    'options.breaker.resetTimout is not a known option; did you mean resetTimeout?',
  ],
  [
    'breaker.resetTimeout',
    { bulkhead, breaker: { resetTimeout: -1 } },
    'options.breaker.resetTimeout must be',
  ],
  [
    'breaker.errorThresholdPercentage',
    { bulkhead, breaker: { errorThresholdPercentage: Number.NaN } },
    'options.breaker.errorThresholdPercentage must be',
  ],
  [
    'breaker.volumeThreshold',
    { bulkhead, breaker: { volumeThreshold: '3' } },
    'options.breaker.volumeThreshold must be',
  ],
  [
    'breaker.rollingCountTimeout',
    { bulkhead, breaker: { rollingCountTimeout: -5 } },
    'options.breaker.rollingCountTimeout must be',
  ],
  [
    'breaker.rollingCountBuckets',
    { bulkhead, breaker: { rollingCountBuckets: Number.POSITIVE_INFINITY } },
    'options.breaker.rollingCountBuckets must be',
  ],
  ['breaker.timeout', { bulkhead, breaker: { timeout: 100 } }, 'options.breaker.timeout is not supported'],
  ['breaker.name', { bulkhead, breaker: { name: 3 } }, 'options.breaker.name must be a string, got number 3'],
  [
    'breaker.allowWarmUp',
    { bulkhead, breaker: { allowWarmUp: 'no' } },
    'options.breaker.allowWarmUp must be a boolean',
  ],
  [
    'breaker.errorFilter',
    { bulkhead, breaker: { errorFilter: 1 } },
    'options.breaker.errorFilter must be a function',
  ],
];

describe('ComposedPolicy options validation', () => {
  it.each(cases)('%s', (_name, options, message) => {
    expect(() => composePolicy(options as ComposedPolicyOptions)).toThrow(message);
  });

  it('execute() rejects unknown and invalid per-call options', async () => {
    const policy = composePolicy({ bulkhead, breaker: false });
    await expect(policy.execute(() => 1, { fallbak: () => 0 } as never)).rejects.toThrow(
      'options.fallbak is not a known option; did you mean fallback?',
    );
    await expect(policy.execute(() => 1, { signal: {} } as never)).rejects.toThrow(
      'options.signal must be an AbortSignal',
    );
    await expect(policy.execute(() => 1, { fallback: 1 } as never)).rejects.toThrow(
      'options.fallback must be a function',
    );
    expect(bulkhead.getState().activeCount).toBe(0);
  });

  it('applies defaults: name, fail-fast wait, no timeout, a breaker', () => {
    const policy = composePolicy({ bulkhead, entitlementCheck: () => true });
    expect(policy.name).toBe('composed:valid');
    expect(policy.breaker?.name).toBe('composed:valid');
    expect(composePolicy({ bulkhead, breaker: false }).breaker).toBeUndefined();
    policy.shutdown();
  });

  it("a user errorFilter keeps opossum's meaning: filtered errors are not breaker failures", async () => {
    class NotFound extends Error {}
    const policy = composePolicy({
      bulkhead,
      entitlementCheck: () => true,
      breaker: { errorThresholdPercentage: 1, errorFilter: (error) => error instanceof NotFound },
    });
    expect((await policy.execute(() => Promise.reject(new NotFound('404')))).outcome).toBe('failure');
    expect(policy.getStatus().breaker).toMatchObject({ state: 'closed', failures: 0 });
    policy.shutdown();
  });
});
