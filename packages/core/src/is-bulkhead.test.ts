import { describe, expect, it } from 'vitest';
import { isBulkhead, SemaphoreBulkhead } from './index.js';

describe('isBulkhead', () => {
  it('accepts a bulkhead and a structural look-alike (another copy of core, another package)', () => {
    const bulkhead = new SemaphoreBulkhead('real');
    expect(isBulkhead(bulkhead)).toBe(true);
    const lookAlike = {
      name: 'copy',
      type: 'thread_pool',
      acquire: bulkhead.acquire,
      tryAcquire: bulkhead.tryAcquire,
      execute: bulkhead.execute,
      wrap: bulkhead.wrap,
      getState: bulkhead.getState,
      on: bulkhead.on,
    };
    expect(isBulkhead(lookAlike)).toBe(true);
  });

  it('accepts a network-coordinated bulkhead without tryAcquire (not part of the contract)', () => {
    const bulkhead = new SemaphoreBulkhead('remote');
    const remote = {
      name: 'remote',
      type: 'redis',
      acquire: bulkhead.acquire,
      execute: bulkhead.execute,
      wrap: bulkhead.wrap,
      getState: bulkhead.getState,
      on: bulkhead.on,
    };
    expect(isBulkhead(remote)).toBe(true);
  });

  it('rejects values missing any part of the contract', () => {
    const bulkhead = new SemaphoreBulkhead('parts');
    for (const missing of ['name', 'type', 'acquire', 'execute', 'wrap', 'getState', 'on']) {
      const candidate: Record<string, unknown> = {
        name: bulkhead.name,
        type: bulkhead.type,
        acquire: bulkhead.acquire,
        tryAcquire: bulkhead.tryAcquire,
        execute: bulkhead.execute,
        wrap: bulkhead.wrap,
        getState: bulkhead.getState,
        on: bulkhead.on,
      };
      delete candidate[missing];
      expect({ missing, accepted: isBulkhead(candidate) }).toEqual({ missing, accepted: false });
    }
    for (const value of [undefined, null, 'name', 42, () => undefined]) expect(isBulkhead(value)).toBe(false);
  });
});
