import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateRetryAfterSeconds } from './retry-after.js';

const bounds = { minSeconds: 1, maxSeconds: 60 };

describe('estimateRetryAfterSeconds', () => {
  it('is ceil(serviceTime * (waiting + 1) / maxConcurrent) in seconds', () => {
    expect(
      estimateRetryAfterSeconds({ serviceTime: 2000, waitingCount: 0, maxConcurrent: 1, ...bounds }),
    ).toBe(2);
    expect(
      estimateRetryAfterSeconds({ serviceTime: 2000, waitingCount: 3, maxConcurrent: 2, ...bounds }),
    ).toBe(4);
    expect(
      estimateRetryAfterSeconds({ serviceTime: 1500, waitingCount: 0, maxConcurrent: 1, ...bounds }),
    ).toBe(2);
  });

  it('clamps to the bounds', () => {
    expect(estimateRetryAfterSeconds({ serviceTime: 5, waitingCount: 0, maxConcurrent: 10, ...bounds })).toBe(
      1,
    );
    expect(
      estimateRetryAfterSeconds({ serviceTime: 10_000, waitingCount: 100, maxConcurrent: 1, ...bounds }),
    ).toBe(60);
  });

  it('stays within bounds and never decreases as the queue grows (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.nat(10_000),
        fc.integer({ min: 1, max: 1000 }),
        fc.nat(30),
        fc.nat(3600),
        (serviceTime, waitingCount, maxConcurrent, minSeconds, span) => {
          const input = {
            serviceTime,
            waitingCount,
            maxConcurrent,
            minSeconds,
            maxSeconds: minSeconds + span,
          };
          const seconds = estimateRetryAfterSeconds(input);
          expect(Number.isInteger(seconds)).toBe(true);
          expect(seconds).toBeGreaterThanOrEqual(input.minSeconds);
          expect(seconds).toBeLessThanOrEqual(input.maxSeconds);
          expect(
            estimateRetryAfterSeconds({ ...input, waitingCount: waitingCount + 1 }),
          ).toBeGreaterThanOrEqual(seconds);
        },
      ),
    );
  });
});
