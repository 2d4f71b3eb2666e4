import type { RouteName } from '../config.js';
import type { RequestSample } from '../load/request-sample.js';
import { percentile } from './percentile.js';

/** One bucket of a route's time series. */
export interface SeriesPoint {
  /** Start of the bucket, in seconds since the run started. */
  readonly atSeconds: number;
  /** p50 and p99 latency of the requests sent in this bucket, ms (`NaN` when none). */
  readonly p50: number;
  readonly p99: number;
  /** Successful answers completed in this bucket, per second. */
  readonly okPerSecond: number;
  /** Rejections and errors completed in this bucket, per second (short circuits apart). */
  readonly failedPerSecond: number;
  /** Calls an open circuit breaker refused in this bucket, per second. */
  readonly shortCircuitedPerSecond: number;
}

/** Options of `timeSeries`. */
export interface TimeSeriesOptions {
  route: RouteName;
  /** Bucket width in ms. */
  bucketMs: number;
  /** Length of the axis in ms (later samples are ignored). */
  totalMs: number;
}

/**
 * Buckets a route's samples over time: latency by send time, throughput by completion time.
 * @throws {RangeError} when `options.bucketMs` is not > 0.
 */
export function timeSeries(samples: readonly RequestSample[], options: TimeSeriesOptions): SeriesPoint[] {
  if (!(options.bucketMs > 0)) throw new RangeError(`options.bucketMs must be > 0, got ${options.bucketMs}`);
  const count = Math.max(1, Math.ceil(options.totalMs / options.bucketMs));
  const latencies: number[][] = Array.from({ length: count }, () => []);
  const ok = new Array<number>(count).fill(0);
  const failed = new Array<number>(count).fill(0);
  const shortCircuited = new Array<number>(count).fill(0);
  for (const sample of samples) {
    if (sample.route !== options.route) continue;
    const sentBucket = Math.floor(sample.sentAt / options.bucketMs);
    latencies[sentBucket]?.push(sample.latencyMs);
    const doneBucket = Math.floor((sample.sentAt + sample.latencyMs) / options.bucketMs);
    if (doneBucket < count) {
      if (sample.outcome === 'ok') ok[doneBucket] = (ok[doneBucket] ?? 0) + 1;
      else if (sample.outcome === 'short_circuited')
        shortCircuited[doneBucket] = (shortCircuited[doneBucket] ?? 0) + 1;
      else failed[doneBucket] = (failed[doneBucket] ?? 0) + 1;
    }
  }
  const perSecond = 1000 / options.bucketMs;
  return latencies.map((values, index) => {
    values.sort((left, right) => left - right);
    return {
      atSeconds: (index * options.bucketMs) / 1000,
      p50: percentile(values, 50),
      p99: percentile(values, 99),
      okPerSecond: (ok[index] ?? 0) * perSecond,
      failedPerSecond: (failed[index] ?? 0) * perSecond,
      shortCircuitedPerSecond: (shortCircuited[index] ?? 0) * perSecond,
    };
  });
}
