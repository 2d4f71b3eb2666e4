import { describe, expect, it } from 'vitest';
import type { RequestSample } from '../load/request-sample.js';
import { timeSeries } from './time-series.js';

function sample(partial: Partial<RequestSample> & Pick<RequestSample, 'sentAt'>): RequestSample {
  return { route: 'user', latencyMs: 10, outcome: 'ok', status: 200, ...partial };
}

describe('timeSeries', () => {
  it('buckets latency by send time and throughput by completion time', () => {
    const samples = [
      sample({ sentAt: 100, latencyMs: 20 }),
      sample({ sentAt: 900, latencyMs: 300 }),
      sample({ sentAt: 1200, outcome: 'rejected', status: 503, latencyMs: 5 }),
      sample({ sentAt: 1300, route: 'payment' }),
    ];
    const points = timeSeries(samples, { route: 'user', bucketMs: 1000, totalMs: 2000 });
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({ atSeconds: 0, p50: 20, p99: 300, okPerSecond: 1, failedPerSecond: 0 });
    expect(points[1]).toMatchObject({ atSeconds: 1, p50: 5, p99: 5, okPerSecond: 1, failedPerSecond: 1 });
  });

  it('scales counts to per-second rates for sub-second buckets and leaves empty buckets NaN', () => {
    const points = timeSeries([sample({ sentAt: 10, latencyMs: 10 })], {
      route: 'user',
      bucketMs: 500,
      totalMs: 1000,
    });
    expect(points[0]?.okPerSecond).toBe(2);
    expect(points[1]?.p50).toBeNaN();
  });

  it('ignores completions past the axis', () => {
    const points = timeSeries([sample({ sentAt: 900, latencyMs: 5000 })], {
      route: 'user',
      bucketMs: 1000,
      totalMs: 1000,
    });
    expect(points[0]?.okPerSecond).toBe(0);
    expect(points[0]?.p99).toBe(5000);
  });

  it('validates options.bucketMs', () => {
    expect(() => timeSeries([], { route: 'user', bucketMs: 0, totalMs: 1000 })).toThrow(
      new RangeError('options.bucketMs must be > 0, got 0'),
    );
  });
});
