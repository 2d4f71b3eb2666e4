import { type Bulkhead, SemaphoreBulkhead } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { composePolicy } from './composed-policy.js';
import type { ComposedPolicyOptions } from './composed-policy-options.js';

const bulkhead = new SemaphoreBulkhead('valid');
const cases: Array<[string, unknown, string]> = [
  ['options', null, 'options must be an object, got null'],
  ['bulkhead', { bulkhead: {} as Bulkhead }, 'options.bulkhead must implement the Bulkhead contract'],
  ['name', { bulkhead, name: '' }, 'options.name must be a non-empty string, got ""'],
  ['timeout (type)', { bulkhead, timeout: '5' }, 'options.timeout must be a number of milliseconds, got "5"'],
  ['timeout (range)', { bulkhead, timeout: 0 }, 'options.timeout must be > 0, got 0'],
  ['timeout (infinite)', { bulkhead, timeout: Number.POSITIVE_INFINITY }, 'options.timeout must be finite'],
  ['waitTimeout', { bulkhead, waitTimeout: -1 }, 'options.waitTimeout must be >= 0, got -1'],
  ['entitlementCheck', { bulkhead, entitlementCheck: true }, 'options.entitlementCheck must be a function'],
  ['breaker', { bulkhead, breaker: 'yes' }, 'options.breaker must be an object or false, got "yes"'],
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
  ['breaker.name', { bulkhead, breaker: { name: 3 } }, 'options.breaker.name must be a non-empty string'],
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
