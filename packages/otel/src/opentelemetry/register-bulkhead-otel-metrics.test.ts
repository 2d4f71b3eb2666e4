import { createNoopMeter } from '@opentelemetry/api';
import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { BulkheadRegistry, SemaphoreBulkhead } from '@x/bulkhead-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricsSdk } from '../test-support/otel-sdk.js';
import { deferred, StubThreadPool } from '../test-support/stub-thread-pool.js';
import { registerBulkheadOtelMetrics } from './register-bulkhead-otel-metrics.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function setup() {
  const sdk = createMetricsSdk();
  cleanups.push(() => sdk.shutdown());
  return { sdk, meter: sdk.provider.getMeter('test') };
}

function points(metricsData: MetricData[], name: string): Array<{ attributes: object; value: unknown }> {
  const metric = metricsData.find((candidate) => candidate.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((point) => ({ attributes: point.attributes, value: point.value }));
}

describe('registerBulkheadOtelMetrics', () => {
  it('observes the gauges at collection time', async () => {
    const { sdk, meter } = setup();
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 2 });
    const handle = registerBulkheadOtelMetrics({ meter, source: [bulkhead] });
    cleanups.push(() => handle.unregister());
    expect(handle.enabled).toBe(true);
    const gate = deferred();
    const running = bulkhead.execute(() => gate.promise);
    const collected = await sdk.collect();
    const attributes = { 'bulkhead.name': 'db', 'bulkhead.type': 'semaphore' };
    expect(points(collected, 'bulkhead.active_calls')).toEqual([{ attributes, value: 1 }]);
    expect(points(collected, 'bulkhead.max_concurrent_calls')).toEqual([{ attributes, value: 2 }]);
    expect(points(collected, 'bulkhead.waiting_calls')).toEqual([{ attributes, value: 0 }]);
    expect(points(collected, 'bulkhead.available_permits')).toEqual([{ attributes, value: 1 }]);
    expect(points(collected, 'bulkhead.utilization')).toEqual([{ attributes, value: 0.5 }]);
    expect(points(collected, 'bulkhead.queue_capacity')).toEqual([]);
    const utilization = collected.find((metric) => metric.descriptor.name === 'bulkhead.utilization');
    expect(utilization?.descriptor.unit).toBe('1');
    gate.resolve();
    await running;
  });

  it('counts rejections by reason and records histograms in seconds from the events', async () => {
    const { sdk, meter } = setup();
    const pool = new StubThreadPool('cpu', { maxWorkers: 2, queueCapacity: 4 });
    const handle = registerBulkheadOtelMetrics({
      meter,
      source: [pool],
      attributes: { service: 'checkout' },
      waitBuckets: [0.01, 0.1],
    });
    cleanups.push(() => handle.unregister());
    const base = { bulkheadName: 'cpu', bulkheadType: 'thread_pool' as const };
    pool.emit('finished', { ...base, outcome: 'success', waitTime: 5, duration: 250 });
    pool.emit('finished', { ...base, outcome: 'timeout', waitTime: 50, duration: 1000 });
    pool.emit('rejected', { ...base, reason: 'queue_full', waitTime: 0, activeCount: 2, waitingCount: 4 });
    const collected = await sdk.collect();
    const attributes = { 'bulkhead.name': 'cpu', 'bulkhead.type': 'thread_pool', service: 'checkout' };
    expect(points(collected, 'bulkhead.rejections')).toContainEqual({
      attributes: { ...attributes, 'bulkhead.rejection.reason': 'queue_full' },
      value: 1,
    });
    expect(points(collected, 'bulkhead.queue_capacity')).toEqual([{ attributes, value: 4 }]);
    expect(points(collected, 'bulkhead.pool_size')).toEqual([{ attributes, value: 2 }]);
    const wait = collected.find((metric) => metric.descriptor.name === 'bulkhead.wait.duration');
    expect(wait?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(wait?.descriptor.unit).toBe('s');
    expect(wait?.dataPoints[0]?.value).toMatchObject({
      buckets: { boundaries: [0.01, 0.1], counts: [1, 1, 0] },
      count: 2,
      sum: 0.055,
    });
    const duration = collected.find((metric) => metric.descriptor.name === 'bulkhead.call.duration');
    expect(duration?.dataPoints[0]?.value).toMatchObject({ count: 2, sum: 1.25 });
  });

  it('skips the per-call histograms with histograms: false but keeps counting', async () => {
    const { sdk, meter } = setup();
    const bulkhead = new SemaphoreBulkhead('db');
    const handle = registerBulkheadOtelMetrics({ meter, source: [bulkhead], histograms: false });
    cleanups.push(() => handle.unregister());
    await bulkhead.execute(() => 1);
    const collected = await sdk.collect();
    expect(collected.map((metric) => metric.descriptor.name)).not.toContain('bulkhead.wait.duration');
    expect(collected.map((metric) => metric.descriptor.name)).not.toContain('bulkhead.call.duration');
    expect(points(collected, 'bulkhead.calls')[0]).toEqual({
      attributes: { 'bulkhead.name': 'db', 'bulkhead.type': 'semaphore', 'bulkhead.outcome': 'success' },
      value: 1,
    });
  });

  it('follows the registry and stops after unregister', async () => {
    const { sdk, meter } = setup();
    const bulkheads = new BulkheadRegistry();
    const handle = registerBulkheadOtelMetrics({ meter, source: bulkheads });
    const late = bulkheads.getOrCreate('late', { maxConcurrent: 3 });
    await late.execute(() => 1);
    let collected = await sdk.collect();
    expect(collected.length).toBeGreaterThan(0);
    expect(points(collected, 'bulkhead.max_concurrent_calls')).toEqual([
      { attributes: { 'bulkhead.name': 'late', 'bulkhead.type': 'semaphore' }, value: 3 },
    ]);
    handle.unregister();
    handle.unregister();
    const getState = vi.spyOn(late, 'getState');
    collected = await sdk.collect();
    expect(getState).not.toHaveBeenCalled();
    const pool = bulkheads.register(new StubThreadPool('pool', { maxWorkers: 1, queueCapacity: 1 }));
    expect((pool as StubThreadPool).events.listening).toBe(false);
  });

  it('is a no-op with the no-op meter: no listener is attached', () => {
    const pool = new StubThreadPool('cpu', { maxWorkers: 1, queueCapacity: 1 });
    const handle = registerBulkheadOtelMetrics({ meter: createNoopMeter(), source: [pool] });
    expect(handle.enabled).toBe(false);
    expect(pool.events.listening).toBe(false);
    handle.unregister();
  });

  it('uses the global meter provider by default (no SDK: disabled)', () => {
    const handle = registerBulkheadOtelMetrics({ source: [] });
    expect(handle.enabled).toBe(false);
  });
});
