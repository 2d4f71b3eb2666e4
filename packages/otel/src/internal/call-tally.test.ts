import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallTally } from './call-tally.js';
import { HistogramTally } from './histogram-tally.js';
import { REJECTION_REASONS } from './outcome-index.js';

describe('HistogramTally', () => {
  it('puts a value equal to a bound in that bucket (le semantics)', () => {
    const tally = new HistogramTally(new Float64Array([1, 2]));
    tally.observe(1);
    tally.observe(2.5);
    expect([...tally.counts]).toEqual([1, 0, 1]);
  });

  it('keeps count, sum and bucket totals consistent for any observations', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 0.001, max: 100, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { maxLength: 200 }),
        (rawBounds, values) => {
          const bounds = new Float64Array([...rawBounds].sort((a, b) => a - b));
          const tally = new HistogramTally(bounds);
          for (const value of values) tally.observe(value);
          const total = tally.counts.reduce((sum, count) => sum + count, 0);
          expect(total).toBe(values.length);
          expect(tally.count).toBe(values.length);
          for (let index = 0; index < bounds.length; index++) {
            const cumulative = tally.counts.slice(0, index + 1).reduce((sum, count) => sum + count, 0);
            expect(cumulative).toBe(values.filter((value) => value <= (bounds[index] as number)).length);
          }
        },
      ),
    );
  });
});

describe('CallTally', () => {
  it('counts every rejection once under its reason and every finished call once in each histogram', () => {
    const outcome = fc.constantFrom('success', 'failure', 'timeout') as fc.Arbitrary<
      'success' | 'failure' | 'timeout'
    >;
    const reason = fc.constantFrom(...REJECTION_REASONS);
    const event = fc.oneof(
      fc.record({
        kind: fc.constant('finished' as const),
        outcome,
        waitTime: fc.nat(10_000),
        duration: fc.nat(10_000),
      }),
      fc.record({ kind: fc.constant('rejected' as const), reason }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 300 }), (events) => {
        const tally = new CallTally({ wait: new Float64Array([0.01, 1]), duration: new Float64Array([0.5]) });
        const base = { bulkheadName: 'x', bulkheadType: 'semaphore' as const };
        for (const item of events) {
          if (item.kind === 'finished') tally.recordFinished({ ...base, ...item });
          else
            tally.recordRejected({
              ...base,
              reason: item.reason,
              waitTime: 0,
              activeCount: 0,
              waitingCount: 0,
            });
        }
        const finished = events.filter((item) => item.kind === 'finished');
        const rejected = events.length - finished.length;
        expect(tally.rejections.reduce((sum, count) => sum + count, 0)).toBe(rejected);
        REJECTION_REASONS.forEach((name, index) => {
          const expected = events.filter((item) => item.kind === 'rejected' && item.reason === name).length;
          expect(tally.rejections[index]).toBe(expected);
        });
        expect(tally.wait.count).toBe(finished.length);
        expect(tally.duration.count).toBe(finished.length);
      }),
    );
  });
});
