import { KeyedBulkhead, PartitionedBulkhead } from '@x/bulkhead-core';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, flush } from '../test-support/stub-thread-pool.js';
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

describe('registerBulkheadMetrics: partitioned bulkheads', () => {
  it('reports each partition and the unpartitioned calls as getState() does, under a partition label', async () => {
    const registry = new Registry();
    const database = new PartitionedBulkhead('database', {
      maxConcurrent: 10,
      partitions: { live: { share: 0.9 }, batch: { share: 0.1 } },
    });
    register({ registry, source: [database] });
    const gate = deferred();
    // A batch flood borrows every idle permit; two more wait; a call without a partition finds no spare.
    const rows = Array.from({ length: 12 }, () =>
      database.execute(() => gate.promise, { partition: 'batch', timeout: 60_000 }),
    );
    await expect(database.execute(() => 'spare?')).rejects.toMatchObject({ reason: 'queue_full' });
    await flush();
    const text = await registry.metrics();
    const labels = (partition: string) => `bulkhead="database",type="partitioned",partition="${partition}"`;
    expect(lines(text, 'bulkhead_partition_active_calls')).toEqual([
      `bulkhead_partition_active_calls{${labels('live')}} 0`,
      `bulkhead_partition_active_calls{${labels('batch')}} 10`,
      `bulkhead_partition_active_calls{${labels('(unpartitioned)')}} 0`,
    ]);
    expect(lines(text, 'bulkhead_partition_waiting_calls')).toContain(
      `bulkhead_partition_waiting_calls{${labels('batch')}} 2`,
    );
    expect(lines(text, 'bulkhead_partition_guaranteed_permits')).toEqual([
      `bulkhead_partition_guaranteed_permits{${labels('live')}} 9`,
      `bulkhead_partition_guaranteed_permits{${labels('batch')}} 1`,
      `bulkhead_partition_guaranteed_permits{${labels('(unpartitioned)')}} 0`,
    ]);
    expect(lines(text, 'bulkhead_partition_borrowed_permits')).toContain(
      `bulkhead_partition_borrowed_permits{${labels('batch')}} 9`,
    );
    expect(lines(text, 'bulkhead_partition_rejected_calls_total')).toEqual([
      `bulkhead_partition_rejected_calls_total{${labels('live')}} 0`,
      `bulkhead_partition_rejected_calls_total{${labels('batch')}} 0`,
      `bulkhead_partition_rejected_calls_total{${labels('(unpartitioned)')}} 1`,
    ]);
    expect(lines(text, 'bulkhead_partition_rejections_total')).toContain(
      `bulkhead_partition_rejections_total{${labels('(unpartitioned)')},reason="queue_full"} 1`,
    );
    // The aggregate families still cover the whole compartment, without a partition label.
    expect(lines(text, 'bulkhead_active_calls')).toEqual([
      'bulkhead_active_calls{bulkhead="database",type="partitioned"} 10',
    ]);
    gate.resolve();
    await Promise.all(rows);
    const after = await registry.metrics();
    expect(lines(after, 'bulkhead_partition_wait_seconds_count')).toEqual([
      `bulkhead_partition_wait_seconds_count{${labels('live')}} 0`,
      `bulkhead_partition_wait_seconds_count{${labels('batch')}} 12`,
      `bulkhead_partition_wait_seconds_count{${labels('(unpartitioned)')}} 0`,
    ]);
    expect(lines(after, 'bulkhead_partition_call_duration_seconds_bucket')).toContain(
      `bulkhead_partition_call_duration_seconds_bucket{${labels('batch')},le="+Inf"} 12`,
    );
    expect(lines(after, 'bulkhead_wait_seconds_count')).toEqual([
      'bulkhead_wait_seconds_count{bulkhead="database",type="partitioned"} 12',
    ]);
  });

  it('samples the partition gauges only on update() with refresh: update', async () => {
    const registry = new Registry();
    const database = new PartitionedBulkhead('database', {
      maxConcurrent: 2,
      partitions: { live: { share: 1 } },
    });
    const handle = register({ registry, source: [database], refresh: 'update' });
    const gate = deferred();
    const running = database.execute(() => gate.promise, { partition: 'live' });
    expect(lines(await registry.metrics(), 'bulkhead_partition_active_calls')).toEqual([]);
    handle.update();
    gate.resolve();
    await running;
    expect(lines(await registry.metrics(), 'bulkhead_partition_active_calls')).toEqual([
      'bulkhead_partition_active_calls{bulkhead="database",type="partitioned",partition="live"} 1',
      'bulkhead_partition_active_calls{bulkhead="database",type="partitioned",partition="(unpartitioned)"} 0',
    ]);
  });

  it('exports no partition series for other bulkheads, nor for a partition view (its own aggregate)', async () => {
    const registry = new Registry();
    const database = new PartitionedBulkhead('database', {
      maxConcurrent: 4,
      partitions: { live: { share: 0.5 } },
    });
    register({ registry, source: [database.partition('live')] });
    await database.partition('live').execute(() => 'row');
    const text = await registry.metrics();
    expect(text).not.toContain('partition=');
    expect(lines(text, 'bulkhead_calls_total')).toContain(
      'bulkhead_calls_total{bulkhead="database/live",type="partitioned",outcome="success"} 1',
    );
  });
});

describe('registerBulkheadMetrics: keyed bulkheads', () => {
  function tenants(): KeyedBulkhead {
    return new KeyedBulkhead('tenants', {
      perKey: { maxConcurrent: 1, maxQueue: 0 },
      maxKeys: 3,
      perKeyState: true,
    });
  }

  it('stays aggregated over keys by default: no key label, key counts without naming them', async () => {
    const registry = new Registry();
    const bulkhead = tenants();
    register({ registry, source: [bulkhead] });
    const gate = deferred();
    const running = ['acme', 'globex'].map((key) => bulkhead.execute(key, () => gate.promise));
    await expect(bulkhead.execute('acme', () => 'second')).rejects.toMatchObject({ reason: 'queue_full' });
    const text = await registry.metrics();
    expect(text).not.toMatch(/key="/);
    expect(text).not.toContain('acme');
    expect(text).not.toContain('bulkhead_key_');
    const labels = 'bulkhead="tenants",type="keyed"';
    expect(lines(text, 'bulkhead_keys')).toEqual([`bulkhead_keys{${labels}} 2`]);
    expect(lines(text, 'bulkhead_max_keys')).toEqual([`bulkhead_max_keys{${labels}} 3`]);
    expect(lines(text, 'bulkhead_active_calls')).toEqual([`bulkhead_active_calls{${labels}} 2`]);
    expect(lines(text, 'bulkhead_rejections_total')).toContain(
      `bulkhead_rejections_total{${labels},reason="queue_full"} 1`,
    );
    gate.resolve();
    await Promise.all(running);
  });

  it('with perKeySeries, labels up to maxKeys keys and drops the series of evicted keys', async () => {
    const registry = new Registry();
    const bulkhead = tenants();
    register({ registry, source: [bulkhead], perKeySeries: { maxKeys: 2 } });
    const gates = { a: deferred(), b: deferred(), c: deferred() };
    const running = (['a', 'b', 'c'] as const).map((key) => bulkhead.execute(key, () => gates[key].promise));
    await expect(bulkhead.execute('b', () => 'second')).rejects.toMatchObject({ reason: 'queue_full' });
    let text = await registry.metrics();
    const labels = (key: string) => `bulkhead="tenants",type="keyed",key="${key}"`;
    // Three live keys, two series: the oldest compartments get the slots.
    expect(lines(text, 'bulkhead_key_active_calls')).toEqual([
      `bulkhead_key_active_calls{${labels('a')}} 1`,
      `bulkhead_key_active_calls{${labels('b')}} 1`,
    ]);
    expect(lines(text, 'bulkhead_key_rejected_calls_total')).toEqual([
      `bulkhead_key_rejected_calls_total{${labels('a')}} 0`,
      `bulkhead_key_rejected_calls_total{${labels('b')}} 1`,
    ]);
    expect(lines(text, 'bulkhead_keys')).toEqual(['bulkhead_keys{bulkhead="tenants",type="keyed"} 3']);
    // `a` goes idle; a fourth key at maxKeys evicts it (least recently used idle key).
    gates.a.resolve();
    await running[0];
    await bulkhead.execute('d', () => 'done');
    expect(Object.keys(bulkhead.getState().keys ?? {})).toEqual(['b', 'c', 'd']);
    text = await registry.metrics();
    expect(lines(text, 'bulkhead_key_active_calls')).toEqual([
      `bulkhead_key_active_calls{${labels('b')}} 1`,
      `bulkhead_key_active_calls{${labels('c')}} 1`,
    ]);
    expect(text).not.toContain('key="a"');
    expect(lines(text, 'bulkhead_evicted_keys_total')).toEqual([
      'bulkhead_evicted_keys_total{bulkhead="tenants",type="keyed"} 1',
    ]);
    gates.b.resolve();
    gates.c.resolve();
    await Promise.all(running);
  });

  it('warns once and exports no key series for a keyed bulkhead without perKeyState', async () => {
    const registry = new Registry();
    const bulkhead = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 } });
    register({ registry, source: [bulkhead], perKeySeries: true });
    await bulkhead.execute('acme', () => 'done');
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const text = await registry.metrics();
      await registry.metrics();
      await flush();
      expect(text).not.toMatch(/key="/);
      expect(lines(text, 'bulkhead_keys')).toEqual(['bulkhead_keys{bulkhead="tenants",type="keyed"} 1']);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.name)).toEqual(['BulkheadInstrumentationWarning']);
    expect(warnings[0]?.message).toMatch(/perKeyState: true/);
  });
});
