import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { KeyedBulkhead, PartitionedBulkhead } from '@x/bulkhead-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsSdk } from '../test-support/otel-sdk.js';
import { deferred, flush } from '../test-support/stub-thread-pool.js';
import { registerBulkheadOtelMetrics } from './register-bulkhead-otel-metrics.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function setup(options: Omit<Parameters<typeof registerBulkheadOtelMetrics>[0] & object, 'meter'>) {
  const sdk = createMetricsSdk();
  const handle = registerBulkheadOtelMetrics({ meter: sdk.provider.getMeter('test'), ...options });
  cleanups.push(async () => {
    handle.unregister();
    await sdk.shutdown();
  });
  return sdk;
}

/** `attribute` value to point value of metric `name` (points filtered by `where`). */
function byAttribute(
  collected: MetricData[],
  name: string,
  attribute: string,
  where: Record<string, string> = {},
): Record<string, unknown> {
  const metric = collected.find((candidate) => candidate.descriptor.name === name);
  const points = (metric?.dataPoints ?? []).filter((point) =>
    Object.entries(where).every(([key, value]) => point.attributes[key] === value),
  );
  return Object.fromEntries(
    points.map((point) => [
      String(point.attributes[attribute]),
      metric?.dataPointType === DataPointType.HISTOGRAM
        ? (point.value as { count: number }).count
        : point.value,
    ]),
  );
}

describe('registerBulkheadOtelMetrics: partitioned bulkheads', () => {
  it('reports each partition as getState() does, with bulkhead.partition', async () => {
    const database = new PartitionedBulkhead('database', {
      maxConcurrent: 10,
      partitions: { live: { share: 0.9 }, batch: { share: 0.1 } },
    });
    const sdk = setup({ source: [database] });
    const gate = deferred();
    const rows = Array.from({ length: 12 }, () =>
      database.execute(() => gate.promise, { partition: 'batch', timeout: 60_000 }),
    );
    await expect(database.execute(() => 'spare?')).rejects.toMatchObject({ reason: 'queue_full' });
    await flush();
    let collected = await sdk.collect();
    const partition = 'bulkhead.partition';
    expect(byAttribute(collected, 'bulkhead.partition.active_calls', partition)).toEqual({
      live: 0,
      batch: 10,
      '(unpartitioned)': 0,
    });
    expect(byAttribute(collected, 'bulkhead.partition.waiting_calls', partition)).toMatchObject({ batch: 2 });
    expect(byAttribute(collected, 'bulkhead.partition.guaranteed_permits', partition)).toEqual({
      live: 9,
      batch: 1,
      '(unpartitioned)': 0,
    });
    expect(byAttribute(collected, 'bulkhead.partition.borrowed_permits', partition)).toMatchObject({
      batch: 9,
    });
    expect(byAttribute(collected, 'bulkhead.partition.rejected_calls', partition)).toEqual({
      live: 0,
      batch: 0,
      '(unpartitioned)': 1,
    });
    expect(
      byAttribute(collected, 'bulkhead.partition.rejections', partition, {
        'bulkhead.rejection.reason': 'queue_full',
      }),
    ).toEqual({ live: 0, batch: 0, '(unpartitioned)': 1 });
    // The aggregate instruments carry no partition attribute.
    const active = collected.find((metric) => metric.descriptor.name === 'bulkhead.active_calls');
    expect(active?.dataPoints.map((point) => point.attributes)).toEqual([
      { 'bulkhead.name': 'database', 'bulkhead.type': 'partitioned' },
    ]);
    gate.resolve();
    await Promise.all(rows);
    collected = await sdk.collect();
    expect(byAttribute(collected, 'bulkhead.partition.wait.duration', partition)).toEqual({ batch: 12 });
    expect(byAttribute(collected, 'bulkhead.partition.call.duration', partition)).toEqual({ batch: 12 });
    expect(byAttribute(collected, 'bulkhead.wait.duration', 'bulkhead.name')).toEqual({ database: 12 });
  });
});

describe('registerBulkheadOtelMetrics: keyed bulkheads', () => {
  function tenants(): KeyedBulkhead {
    return new KeyedBulkhead('tenants', {
      perKey: { maxConcurrent: 1, maxQueue: 0 },
      maxKeys: 3,
      perKeyState: true,
    });
  }

  it('stays aggregated over keys by default: no bulkhead.key attribute anywhere', async () => {
    const bulkhead = tenants();
    const sdk = setup({ source: [bulkhead] });
    await bulkhead.execute('acme', () => 'done');
    await bulkhead.execute('globex', () => 'done');
    const collected = await sdk.collect();
    const attributeNames = collected.flatMap((metric) =>
      metric.dataPoints.flatMap((point) => Object.keys(point.attributes)),
    );
    expect(attributeNames).not.toContain('bulkhead.key');
    expect(collected.map((metric) => metric.descriptor.name)).not.toContain('bulkhead.key.active_calls');
    expect(byAttribute(collected, 'bulkhead.keys', 'bulkhead.name')).toEqual({ tenants: 2 });
    expect(byAttribute(collected, 'bulkhead.max_keys', 'bulkhead.name')).toEqual({ tenants: 3 });
  });

  it('with perKeySeries, reports up to maxKeys keys; an evicted key stays at zero and keeps its slot', async () => {
    const bulkhead = tenants();
    const sdk = setup({ source: [bulkhead], perKeySeries: { maxKeys: 2 } });
    const gates = { a: deferred(), b: deferred(), c: deferred() };
    const running = (['a', 'b', 'c'] as const).map((key) => bulkhead.execute(key, () => gates[key].promise));
    await expect(bulkhead.execute('b', () => 'second')).rejects.toMatchObject({ reason: 'queue_full' });
    let collected = await sdk.collect();
    expect(byAttribute(collected, 'bulkhead.key.active_calls', 'bulkhead.key')).toEqual({ a: 1, b: 1 });
    expect(byAttribute(collected, 'bulkhead.key.rejected_calls', 'bulkhead.key')).toEqual({ a: 0, b: 1 });
    gates.a.resolve();
    await running[0];
    await bulkhead.execute('d', () => 'done');
    expect(Object.keys(bulkhead.getState().keys ?? {})).toEqual(['b', 'c', 'd']);
    collected = await sdk.collect();
    // The JS SDK keeps exporting an attribute set it saw once (cumulative temporality), so the adapter
    // reports the evicted key as idle rather than leave its last value standing, and never reuses its slot:
    // at most maxKeys key attribute sets per instrument over the registration's life.
    expect(byAttribute(collected, 'bulkhead.key.active_calls', 'bulkhead.key')).toEqual({ a: 0, b: 1 });
    expect(byAttribute(collected, 'bulkhead.key.waiting_calls', 'bulkhead.key')).toEqual({ a: 0, b: 0 });
    expect(byAttribute(collected, 'bulkhead.key.rejected_calls', 'bulkhead.key')).toEqual({ a: 0, b: 1 });
    expect(byAttribute(collected, 'bulkhead.keys', 'bulkhead.name')).toEqual({ tenants: 3 });
    expect(byAttribute(collected, 'bulkhead.evicted_keys', 'bulkhead.name')).toEqual({ tenants: 1 });
    gates.b.resolve();
    gates.c.resolve();
    await Promise.all(running);
  });
});
