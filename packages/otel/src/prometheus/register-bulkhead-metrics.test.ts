import { BulkheadRegistry, SemaphoreBulkhead } from '@x/bulkhead-core';
import { Gauge, type OpenMetricsContentType, openMetricsContentType, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, flush, StubThreadPool } from '../test-support/stub-thread-pool.js';
import { type BulkheadMetrics, registerBulkheadMetrics } from './register-bulkhead-metrics.js';

const handles: BulkheadMetrics[] = [];
function register(options: Parameters<typeof registerBulkheadMetrics>[0]): BulkheadMetrics {
  const handle = registerBulkheadMetrics(options);
  handles.push(handle);
  return handle;
}
afterEach(() => {
  for (const handle of handles.splice(0)) handle.unregister();
});

/** The sample lines of `metric` in a scrape (no HELP/TYPE lines). */
function lines(text: string, metric: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `));
}

describe('registerBulkheadMetrics', () => {
  it('fills the gauges from the bulkhead state at scrape time', async () => {
    const registry = new Registry();
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 2 });
    register({ registry, source: [bulkhead] });
    const gate = deferred();
    const running = [
      bulkhead.execute(() => gate.promise),
      bulkhead.execute(() => gate.promise),
      bulkhead.execute(() => gate.promise, { timeout: Number.POSITIVE_INFINITY }),
    ];
    const text = await registry.metrics();
    expect(text).toContain('# TYPE bulkhead_active_calls gauge');
    expect(lines(text, 'bulkhead_active_calls')).toEqual([
      'bulkhead_active_calls{bulkhead="db",type="semaphore"} 2',
    ]);
    expect(lines(text, 'bulkhead_max_concurrent_calls')).toEqual([
      'bulkhead_max_concurrent_calls{bulkhead="db",type="semaphore"} 2',
    ]);
    expect(lines(text, 'bulkhead_waiting_calls')).toEqual([
      'bulkhead_waiting_calls{bulkhead="db",type="semaphore"} 1',
    ]);
    expect(lines(text, 'bulkhead_available_permits')).toEqual([
      'bulkhead_available_permits{bulkhead="db",type="semaphore"} 0',
    ]);
    expect(lines(text, 'bulkhead_utilization_ratio')).toEqual([
      'bulkhead_utilization_ratio{bulkhead="db",type="semaphore"} 1',
    ]);
    expect(lines(text, 'bulkhead_queue_capacity')).toEqual([]);
    gate.resolve();
    await Promise.all(running);
    const after = await registry.metrics();
    expect(lines(after, 'bulkhead_active_calls')).toEqual([
      'bulkhead_active_calls{bulkhead="db",type="semaphore"} 0',
    ]);
    expect(lines(after, 'bulkhead_utilization_ratio')).toEqual([
      'bulkhead_utilization_ratio{bulkhead="db",type="semaphore"} 0',
    ]);
  });

  it('counts calls by outcome and rejections by reason', async () => {
    const registry = new Registry();
    const bulkhead = new SemaphoreBulkhead('api', { maxConcurrent: 1, maxQueue: 2 });
    register({ registry, source: [bulkhead] });
    await bulkhead.execute(() => 'ok');
    await expect(
      bulkhead.execute(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const gate = deferred();
    const holder = bulkhead.execute(() => gate.promise);
    await expect(bulkhead.execute(() => 'x')).rejects.toMatchObject({ reason: 'queue_full' });
    await expect(bulkhead.execute(() => 'x', { timeout: 1 })).rejects.toMatchObject({
      reason: 'queue_timeout',
    });
    const controller = new AbortController();
    const aborted = bulkhead.execute(() => 'x', {
      timeout: Number.POSITIVE_INFINITY,
      signal: controller.signal,
    });
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    const closing = bulkhead.close();
    await expect(bulkhead.execute(() => 'x')).rejects.toMatchObject({ reason: 'shutdown' });
    gate.resolve();
    await holder;
    await closing;

    const text = await registry.metrics();
    expect(text).toContain('# TYPE bulkhead_calls_total counter');
    expect(lines(text, 'bulkhead_calls_total')).toEqual([
      'bulkhead_calls_total{bulkhead="api",type="semaphore",outcome="success"} 2',
      'bulkhead_calls_total{bulkhead="api",type="semaphore",outcome="failure"} 1',
      'bulkhead_calls_total{bulkhead="api",type="semaphore",outcome="rejected"} 4',
      'bulkhead_calls_total{bulkhead="api",type="semaphore",outcome="timeout"} 0',
    ]);
    expect(lines(text, 'bulkhead_rejections_total')).toEqual([
      'bulkhead_rejections_total{bulkhead="api",type="semaphore",reason="queue_full"} 1',
      'bulkhead_rejections_total{bulkhead="api",type="semaphore",reason="queue_timeout"} 1',
      'bulkhead_rejections_total{bulkhead="api",type="semaphore",reason="aborted"} 1',
      'bulkhead_rejections_total{bulkhead="api",type="semaphore",reason="shutdown"} 1',
      'bulkhead_rejections_total{bulkhead="api",type="semaphore",reason="dropped"} 0',
      'bulkhead_rejections_total{bulkhead="api",type="semaphore",reason="unavailable"} 0',
    ]);
    expect(lines(text, 'bulkhead_requested_calls_total')).toEqual([
      `bulkhead_requested_calls_total{bulkhead="api",type="semaphore"} ${bulkhead.getState().totalCalls}`,
    ]);
  });

  it('renders wait and duration histograms in seconds from the events', async () => {
    const registry = new Registry();
    const pool = new StubThreadPool('cpu', { maxWorkers: 2, queueCapacity: 8 });
    register({ registry, source: [pool], waitBuckets: [0.01, 0.1], durationBuckets: [0.5, 1] });
    const finished = { bulkheadName: 'cpu', bulkheadType: 'thread_pool' as const };
    pool.emit('finished', { ...finished, outcome: 'success', waitTime: 5, duration: 250 });
    pool.emit('finished', { ...finished, outcome: 'success', waitTime: 50, duration: 750 });
    pool.emit('finished', { ...finished, outcome: 'timeout', waitTime: 500, duration: 2000 });
    const text = await registry.metrics();
    const labels = 'bulkhead="cpu",type="thread_pool"';
    expect(text).toContain('# TYPE bulkhead_wait_seconds histogram');
    expect(lines(text, 'bulkhead_wait_seconds_bucket')).toEqual([
      `bulkhead_wait_seconds_bucket{${labels},le="0.01"} 1`,
      `bulkhead_wait_seconds_bucket{${labels},le="0.1"} 2`,
      `bulkhead_wait_seconds_bucket{${labels},le="+Inf"} 3`,
    ]);
    expect(lines(text, 'bulkhead_wait_seconds_sum')).toEqual([`bulkhead_wait_seconds_sum{${labels}} 0.555`]);
    expect(lines(text, 'bulkhead_wait_seconds_count')).toEqual([`bulkhead_wait_seconds_count{${labels}} 3`]);
    expect(lines(text, 'bulkhead_call_duration_seconds_bucket')).toEqual([
      `bulkhead_call_duration_seconds_bucket{${labels},le="0.5"} 1`,
      `bulkhead_call_duration_seconds_bucket{${labels},le="1"} 2`,
      `bulkhead_call_duration_seconds_bucket{${labels},le="+Inf"} 3`,
    ]);
    expect(lines(text, 'bulkhead_call_duration_seconds_sum')).toEqual([
      `bulkhead_call_duration_seconds_sum{${labels}} 3`,
    ]);
  });

  it('reports queue capacity and pool size of thread pools', async () => {
    const registry = new Registry();
    const pool = new StubThreadPool('cpu', { maxWorkers: 4, queueCapacity: 16 });
    register({ registry, source: [pool, new SemaphoreBulkhead('db')] });
    pool.poolSize = 3;
    const text = await registry.metrics();
    expect(lines(text, 'bulkhead_queue_capacity')).toEqual([
      'bulkhead_queue_capacity{bulkhead="cpu",type="thread_pool"} 16',
    ]);
    expect(lines(text, 'bulkhead_pool_size')).toEqual([
      'bulkhead_pool_size{bulkhead="cpu",type="thread_pool"} 3',
    ]);
    expect(lines(text, 'bulkhead_max_concurrent_calls')).toEqual([
      'bulkhead_max_concurrent_calls{bulkhead="cpu",type="thread_pool"} 4',
      'bulkhead_max_concurrent_calls{bulkhead="db",type="semaphore"} 10',
    ]);
  });

  it('follows a bulkhead registry: picks up later bulkheads and drops removed ones', async () => {
    const registry = new Registry();
    const bulkheads = new BulkheadRegistry();
    bulkheads.getOrCreate('early', { maxConcurrent: 1 });
    register({ registry, source: bulkheads });
    const late = bulkheads.getOrCreate('late', { maxConcurrent: 3 });
    await late.execute(() => 1);
    let text = await registry.metrics();
    expect(lines(text, 'bulkhead_max_concurrent_calls')).toEqual([
      'bulkhead_max_concurrent_calls{bulkhead="early",type="semaphore"} 1',
      'bulkhead_max_concurrent_calls{bulkhead="late",type="semaphore"} 3',
    ]);
    expect(lines(text, 'bulkhead_calls_total')).toContain(
      'bulkhead_calls_total{bulkhead="late",type="semaphore",outcome="success"} 1',
    );
    bulkheads.unregister('early');
    text = await registry.metrics();
    expect(text).not.toContain('bulkhead="early"');
  });

  it('applies the prefix and constant labels to every series', async () => {
    const registry = new Registry();
    register({
      registry,
      prefix: 'shop_',
      labels: { service: 'checkout' },
      source: [new SemaphoreBulkhead('db')],
    });
    const text = await registry.metrics();
    expect(lines(text, 'shop_bulkhead_active_calls')).toEqual([
      'shop_bulkhead_active_calls{bulkhead="db",type="semaphore",service="checkout"} 0',
    ]);
    expect(lines(text, 'shop_bulkhead_wait_seconds_count')).toEqual([
      'shop_bulkhead_wait_seconds_count{bulkhead="db",type="semaphore",service="checkout"} 0',
    ]);
    expect(text).not.toMatch(/^bulkhead_/m);
  });

  it('refuses a second registration for the same registry until the first is unregistered', () => {
    const registry = new Registry();
    const first = register({ registry, source: [] });
    expect(() => registerBulkheadMetrics({ registry, source: [] })).toThrow(
      /already called for this prom-client registry/,
    );
    expect(() => registerBulkheadMetrics({ registry, source: [] })).toThrow(
      expect.objectContaining({ name: 'BulkheadError', code: 'BULKHEAD_ERROR' }),
    );
    first.unregister();
    expect(() => register({ registry, source: [] })).not.toThrow();
  });

  it('refuses to shadow a metric the registry already has, registering nothing', () => {
    const registry = new Registry();
    new Gauge({ name: 'bulkhead_waiting_calls', help: 'other', registers: [registry] });
    expect(() => registerBulkheadMetrics({ registry, source: [] })).toThrow(
      "The prom-client registry already has a metric named 'bulkhead_waiting_calls'",
    );
    expect(registry.getSingleMetric('bulkhead_active_calls')).toBeUndefined();
    expect(() => register({ registry, prefix: 'app_', source: [] })).not.toThrow();
  });

  it('unregister removes the metrics and stops listening, and is idempotent', async () => {
    const registry = new Registry();
    const bulkheads = new BulkheadRegistry();
    const pool = new StubThreadPool('cpu', { maxWorkers: 1, queueCapacity: 1 });
    bulkheads.register(pool);
    const handle = registerBulkheadMetrics({ registry, source: bulkheads });
    expect(pool.events.listening).toBe(true);
    expect(handle.metricNames).toHaveLength(23);
    handle.unregister();
    handle.unregister();
    expect(pool.events.listening).toBe(false);
    expect(await registry.metrics()).toBe('\n');
    bulkheads.getOrCreate('after');
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  it('never touches the global prom-client registry', async () => {
    const { register: globalRegistry } = await import('prom-client');
    register({ registry: new Registry(), source: [new SemaphoreBulkhead('db')] });
    expect(globalRegistry.getSingleMetric('bulkhead_active_calls')).toBeUndefined();
  });

  it('renders OpenMetrics counters with the _total suffix once', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(openMetricsContentType);
    const bulkhead = new SemaphoreBulkhead('db');
    register({ registry, source: [bulkhead] });
    await bulkhead.execute(() => 1);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE bulkhead_calls counter');
    expect(text).toContain('bulkhead_calls_total{bulkhead="db",type="semaphore",outcome="success"} 1');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('keeps reporting through getMetricsAsJSON', async () => {
    const registry = new Registry();
    register({ registry, source: [new SemaphoreBulkhead('db', { maxConcurrent: 4 })] });
    const json = await registry.getMetricsAsJSON();
    const max = json.find((metric) => metric.name === 'bulkhead_max_concurrent_calls');
    expect(max?.values).toEqual([{ value: 4, labels: { bulkhead: 'db', type: 'semaphore' } }]);
    const wait = json.find((metric) => metric.name === 'bulkhead_wait_seconds');
    expect(wait?.values.at(-1)).toEqual({
      value: 0,
      labels: { bulkhead: 'db', type: 'semaphore' },
      metricName: 'bulkhead_wait_seconds_count',
    });
  });

  it('samples gauges only on update() with refresh: update', async () => {
    const registry = new Registry();
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 2 });
    const handle = register({ registry, source: [bulkhead], refresh: 'update' });
    expect(lines(await registry.metrics(), 'bulkhead_active_calls')).toEqual([]);
    const gate = deferred();
    const running = bulkhead.execute(() => gate.promise);
    handle.update();
    gate.resolve();
    await running;
    await flush();
    expect(lines(await registry.metrics(), 'bulkhead_active_calls')).toEqual([
      'bulkhead_active_calls{bulkhead="db",type="semaphore"} 1',
    ]);
    handle.update();
    expect(lines(await registry.metrics(), 'bulkhead_active_calls')).toEqual([
      'bulkhead_active_calls{bulkhead="db",type="semaphore"} 0',
    ]);
  });
});
