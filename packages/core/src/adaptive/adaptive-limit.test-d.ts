import { describe, expectTypeOf, it } from 'vitest';
import {
  type AdaptiveLimitChange,
  type AdaptiveLimitChangeReason,
  type AdaptiveLimitController,
  type AdaptiveLimitOptions,
  adaptiveLimit,
  type ResizableBulkhead,
  SemaphoreBulkhead,
} from '../index.js';

describe('adaptiveLimit() types', () => {
  it('takes any resizable bulkhead and returns a controller', () => {
    expectTypeOf(adaptiveLimit).parameter(0).toEqualTypeOf<ResizableBulkhead>();
    expectTypeOf(
      adaptiveLimit(new SemaphoreBulkhead('a'), { algorithm: 'vegas' }),
    ).toEqualTypeOf<AdaptiveLimitController>();
  });

  it('accepts each algorithm with its own parameters only', () => {
    expectTypeOf<{
      algorithm: 'aimd';
      backoffRatio: 0.8;
      latencyThreshold: 200;
    }>().toExtend<AdaptiveLimitOptions>();
    expectTypeOf<{
      algorithm: 'vegas';
      alpha: 2;
      beta: 4;
      probeMultiplier: 0;
    }>().toExtend<AdaptiveLimitOptions>();
    expectTypeOf<{
      algorithm: 'gradient2';
      queueSize: (limit: number) => number;
    }>().toExtend<AdaptiveLimitOptions>();
    // @ts-expect-error backoffRatio is an aimd parameter
    adaptiveLimit(new SemaphoreBulkhead('b'), { algorithm: 'vegas', backoffRatio: 0.9 });
    // @ts-expect-error an algorithm is required
    adaptiveLimit(new SemaphoreBulkhead('c'), { initialLimit: 5 });
  });

  it('sends change events with the previous limit, the new one and why', () => {
    expectTypeOf<AdaptiveLimitChange>().toEqualTypeOf<{
      readonly bulkheadName: string;
      readonly previous: number;
      readonly limit: number;
      readonly reason: AdaptiveLimitChangeReason;
    }>();
    expectTypeOf<AdaptiveLimitChangeReason>().toEqualTypeOf<'grow' | 'latency' | 'timeout' | 'event_loop'>();
    expectTypeOf<AdaptiveLimitController['on']>().returns.toEqualTypeOf<() => void>();
  });
});
