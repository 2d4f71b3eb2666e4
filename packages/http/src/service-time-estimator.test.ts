import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceTimeEstimator } from './service-time-estimator.js';

describe('ServiceTimeEstimator', () => {
  it('starts empty, takes the first sample as is, then moves by `smoothing` towards each new one', () => {
    const estimator = new ServiceTimeEstimator({ smoothing: 0.5 });
    expect(estimator.estimate).toBeUndefined();
    estimator.record(100);
    expect(estimator.estimate).toBe(100);
    estimator.record(300);
    expect(estimator.estimate).toBe(200);
    estimator.record(0);
    expect(estimator.estimate).toBe(100);
    expect(estimator.sampleCount).toBe(3);
  });

  it('ignores negative and non-finite samples', () => {
    const estimator = new ServiceTimeEstimator();
    estimator.record(-1);
    estimator.record(Number.NaN);
    estimator.record(Number.POSITIVE_INFINITY);
    expect(estimator.estimate).toBeUndefined();
  });

  it('validates options.smoothing', () => {
    expect(() => new ServiceTimeEstimator({ smoothing: 0 })).toThrow(RangeError);
    expect(() => new ServiceTimeEstimator({ smoothing: 1.5 })).toThrow(
      'options.smoothing must be in (0, 1], got 1.5',
    );
    expect(() => new ServiceTimeEstimator({ smoothing: '0.5' as never })).toThrow(
      new TypeError('options.smoothing must be a number, got string "0.5"'),
    );
  });

  it('rejects a misspelled option, naming the key and the closest valid name', () => {
    expect(() => new ServiceTimeEstimator({ smoothnig: 0.5 } as never)).toThrow(
      new TypeError('options.smoothnig is not a known option; did you mean smoothing?'),
    );
  });

  it('always stays between the smallest and the largest sample (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (samples, smoothing) => {
          const estimator = new ServiceTimeEstimator({ smoothing });
          for (const sample of samples) estimator.record(sample);
          const estimate = estimator.estimate ?? Number.NaN;
          expect(estimate).toBeGreaterThanOrEqual(Math.min(...samples) - 1e-6);
          expect(estimate).toBeLessThanOrEqual(Math.max(...samples) + 1e-6);
        },
      ),
    );
  });
});
