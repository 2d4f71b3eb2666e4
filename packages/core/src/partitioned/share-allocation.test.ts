import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateGuaranteedPermits } from './share-allocation.js';

describe('allocateGuaranteedPermits', () => {
  it('splits 10 permits 0.9 / 0.1 into 9 and 1', () => {
    expect(allocateGuaranteedPermits(10, [0.9, 0.1])).toEqual([9, 1]);
  });

  it('guarantees a small share at least one permit, taken from the remainder', () => {
    expect(allocateGuaranteedPermits(5, [0.9, 0.1])).toEqual([4, 1]);
    expect(allocateGuaranteedPermits(2, [0.99, 0.01])).toEqual([1, 1]);
  });

  it('gives leftover permits to the largest fractional remainders, ties to the larger share then the first', () => {
    expect(allocateGuaranteedPermits(10, [0.55, 0.45])).toEqual([6, 4]);
    expect(allocateGuaranteedPermits(3, [0.5, 0.5])).toEqual([2, 1]);
    expect(allocateGuaranteedPermits(10, [0.34, 0.33, 0.33])).toEqual([4, 3, 3]);
  });

  it('leaves unallocated capacity when shares sum below 1, and gives nothing to a zero share', () => {
    expect(allocateGuaranteedPermits(10, [0.5, 0])).toEqual([5, 0]);
    expect(allocateGuaranteedPermits(10, [0.25, 0.25])).toEqual([3, 2]);
  });

  it('rejects a limit smaller than the number of positive shares', () => {
    expect(() => allocateGuaranteedPermits(1, [0.5, 0.5])).toThrow(RangeError);
  });

  it('never sums above the limit and gives every positive share at least 1 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 500 }),
        (weights, limit) => {
          const sum = weights.reduce((total, weight) => total + weight, 0) || 1;
          const shares = weights.map((weight) => weight / sum);
          const positive = shares.filter((share) => share > 0).length;
          fc.pre(positive <= limit);
          const permits = allocateGuaranteedPermits(limit, shares);
          const assigned = permits.reduce((total, count) => total + count, 0);
          expect(assigned).toBeLessThanOrEqual(limit);
          shares.forEach((share, index) => {
            if (share > 0) expect(permits[index]).toBeGreaterThanOrEqual(1);
            else expect(permits[index]).toBe(0);
            // Never more than one away from the exact quota unless the minimum of 1 forced it.
            expect(permits[index]!).toBeLessThanOrEqual(Math.ceil(limit * share) + 0);
          });
        },
      ),
    );
  });
});
