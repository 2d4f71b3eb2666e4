import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile } from './percentile.js';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(100);
    expect(percentile(values, 0)).toBe(10);
    expect(percentile(values, 100)).toBe(100);
  });

  it('is NaN for no values', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it('rejects p outside [0, 100]', () => {
    expect(() => percentile([1], 101)).toThrow(new RangeError('p must be within [0, 100], got 101'));
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('returns a member of the list that at least p% of the values do not exceed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const sorted = [...values].sort((left, right) => left - right);
          const result = percentile(sorted, p);
          expect(sorted).toContain(result);
          expect(sorted.filter((value) => value <= result).length / sorted.length).toBeGreaterThanOrEqual(
            p / 100,
          );
        },
      ),
    );
  });

  it('never decreases when p grows', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1 }), fc.nat(100), fc.nat(100), (values, a, b) => {
        const sorted = [...values].sort((left, right) => left - right);
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(percentile(sorted, low)).toBeLessThanOrEqual(percentile(sorted, high));
      }),
    );
  });
});
