import { describe, expect, it } from 'vitest';
import { mergeFaultSettings } from './fault-settings.js';

const base = { latencyMs: 50, jitterMs: 10, errorRate: 0 };

describe('mergeFaultSettings', () => {
  it('changes only the given fields and leaves the input alone', () => {
    expect(mergeFaultSettings(base, { latencyMs: 10_000 })).toEqual({
      latencyMs: 10_000,
      jitterMs: 10,
      errorRate: 0,
    });
    expect(base.latencyMs).toBe(50);
  });

  it.each([
    ['latencyMs', -1, 'latencyMs must be a finite number >= 0, got -1'],
    ['jitterMs', Number.POSITIVE_INFINITY, 'jitterMs must be a finite number >= 0, got Infinity'],
    ['errorRate', 1.5, 'errorRate must be <= 1, got 1.5'],
    ['errorRate', 'high', 'errorRate must be a finite number >= 0, got high'],
  ])('rejects an invalid %s (%s)', (key, value, message) => {
    expect(() => mergeFaultSettings(base, { [key]: value })).toThrow(new RangeError(message));
  });
});
