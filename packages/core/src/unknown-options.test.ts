import { afterEach, describe, expect, it } from 'vitest';
import {
  BulkheadPolicy,
  BulkheadRegistry,
  bulkhead,
  bulkheadPolicy,
  getBulkheadRegistry,
  init,
  SemaphoreBulkhead,
} from './index.js';
import { resetEntitlementForTesting } from './testing.js';

// Fault 6: a misspelled option is an error naming the key (and the closest valid name), never a silent default.

afterEach(() => resetEntitlementForTesting());

const misspelled = (key: string, suggestion: string): TypeError =>
  new TypeError(`options.${key} is not a known option; did you mean ${suggestion}?`);

describe('every options object of core rejects unknown keys', () => {
  it('SemaphoreBulkhead', () => {
    expect(() => new SemaphoreBulkhead('typo', { maxConcurent: 5 } as never)).toThrow(
      misspelled('maxConcurent', 'maxConcurrent'),
    );
    expect(() => new SemaphoreBulkhead('typo', { maxWorker: 2 } as never)).toThrow(
      new TypeError(
        'options.maxWorker is not a known option (known options: maxConcurrent, maxQueue, captureStackTrace, queueOrder, onQueueFull)',
      ),
    );
  });

  it('acquire() and execute() (rejections, nothing counted)', async () => {
    const semaphore = new SemaphoreBulkhead('typo-calls');
    await expect(semaphore.acquire({ timout: 10 } as never)).rejects.toThrow(misspelled('timout', 'timeout'));
    await expect(semaphore.execute(() => 1, { sinal: undefined } as never)).rejects.toThrow(
      misspelled('sinal', 'signal'),
    );
    expect(semaphore.getState()).toMatchObject({ totalCalls: 0, activeCount: 0 });
  });

  it('the policy, its execute() and the policy factory', async () => {
    const semaphore = new SemaphoreBulkhead('typo-policy');
    expect(() => new BulkheadPolicy(semaphore, { timeot: 5 } as never)).toThrow(
      misspelled('timeot', 'timeout'),
    );
    const policy = new BulkheadPolicy(semaphore);
    await expect(policy.execute(() => 1, { signl: undefined } as never)).rejects.toThrow(
      misspelled('signl', 'signal'),
    );
    expect(() => bulkheadPolicy('typo-factory', { maxQueu: 5 } as never)).toThrow(
      misspelled('maxQueu', 'maxQueue'),
    );
    expect(getBulkheadRegistry().has('typo-factory')).toBe(false);
  });

  it('the decorator', () => {
    expect(() => bulkhead('x', { fallbak: () => 0 } as never)).toThrow(misspelled('fallbak', 'fallback'));
  });

  it('getOrCreate(), for a new and for an existing compartment', () => {
    const registry = new BulkheadRegistry();
    expect(() => registry.getOrCreate('new', { maxConcurent: 5 } as never)).toThrow(
      misspelled('maxConcurent', 'maxConcurrent'),
    );
    expect(registry.has('new')).toBe(false);
    registry.getOrCreate('existing');
    expect(() => registry.getOrCreate('existing', { maxQueeu: 1 } as never)).toThrow(
      misspelled('maxQueeu', 'maxQueue'),
    );
  });

  it('init()', () => {
    expect(() => init({ licenceKey: 'key' } as never)).toThrow(misspelled('licenceKey', 'licenseKey'));
  });
});
