import { metrics } from '@opentelemetry/api';
import { getBulkheadRegistry, KeyedBulkhead, PartitionedBulkhead } from '@x/bulkhead-core';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentBulkheads, registerBulkheadOtelMetrics } from './opentelemetry/index.js';
import {
  registerBulkheadMetrics,
  startMetricsUpdater,
  stopMetricsUpdater,
  updateBulkheadMetrics,
} from './prometheus/index.js';
import { createMetricsSdk, registerTracingSdk } from './test-support/otel-sdk.js';

// Each test mirrors a README example; `./prometheus/index.js` is `@x/bulkhead-otel/prometheus`.
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const name of getBulkheadRegistry().listNames()) getBulkheadRegistry().unregister(name);
});

describe('README examples', () => {
  it('Prometheus', async () => {
    const registry = new Registry();
    const handle = registerBulkheadMetrics({ registry, labels: { service: 'checkout' } });
    const database = getBulkheadRegistry().getOrCreate('database', { maxConcurrent: 10 });
    await database.execute(() => 'rows');
    const body = await registry.metrics();
    expect(body).toContain(
      'bulkhead_calls_total{bulkhead="database",type="semaphore",service="checkout",outcome="success"} 1',
    );
    handle.unregister();
    expect(await registry.metrics()).not.toContain('bulkhead_');
  });

  it('Prometheus: partitioned and keyed bulkheads', async () => {
    const database = new PartitionedBulkhead('database', {
      maxConcurrent: 10,
      partitions: { live: { share: 0.9 }, batch: { share: 0.1 } },
    });
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 2 }, perKeyState: true });
    cleanups.push(
      () => tenants.close(),
      () => database.close(),
    );
    const registry = new Registry();
    const handle = registerBulkheadMetrics({
      registry,
      source: [database, tenants],
      perKeySeries: { maxKeys: 50 },
    });
    cleanups.push(() => handle.unregister());
    await database.execute(() => 'rows', { partition: 'batch' });
    await tenants.execute('acme', () => 'report');
    const body = (await registry.metrics()).split('\n');
    expect(body).toEqual(
      expect.arrayContaining([
        'bulkhead_partition_guaranteed_permits{bulkhead="database",type="partitioned",partition="live"} 9',
        'bulkhead_partition_wait_seconds_count{bulkhead="database",type="partitioned",partition="batch"} 1',
        'bulkhead_keys{bulkhead="tenants",type="keyed"} 1',
        'bulkhead_key_active_calls{bulkhead="tenants",type="keyed",key="acme"} 0',
      ]),
    );
  });

  it('push setups: the metrics updater', async () => {
    const registry = new Registry();
    const handle = registerBulkheadMetrics({ registry, refresh: 'update' });
    cleanups.push(() => handle.unregister());
    getBulkheadRegistry().getOrCreate('database', { maxConcurrent: 10 });
    startMetricsUpdater({ interval: 10_000 });
    cleanups.push(() => stopMetricsUpdater());
    expect(await registry.metrics()).toContain(
      'bulkhead_max_concurrent_calls{bulkhead="database",type="semaphore"} 10',
    );
    getBulkheadRegistry().getOrCreate('search', { maxConcurrent: 4 });
    updateBulkheadMetrics(handle);
    expect(await registry.metrics()).toContain(
      'bulkhead_max_concurrent_calls{bulkhead="search",type="semaphore"} 4',
    );
    expect(stopMetricsUpdater()).toBe(true);
  });

  it('OpenTelemetry metrics with the global meter provider', async () => {
    const sdk = createMetricsSdk();
    metrics.setGlobalMeterProvider(sdk.provider);
    cleanups.push(async () => {
      metrics.disable();
      await sdk.shutdown();
    });
    const handle = registerBulkheadOtelMetrics({ meter: metrics.getMeter('checkout') });
    cleanups.push(() => handle.unregister());
    expect(handle.enabled).toBe(true);
    await getBulkheadRegistry()
      .getOrCreate('database')
      .execute(() => 1);
    const names = (await sdk.collect()).map((metric) => metric.descriptor.name);
    expect(names).toEqual(
      expect.arrayContaining(['bulkhead.calls', 'bulkhead.active_calls', 'bulkhead.wait.duration']),
    );
  });

  it('tracing', async () => {
    const sdk = registerTracingSdk();
    cleanups.push(() => sdk.unregister());
    const tracing = instrumentBulkheads({ mode: 'child-span' });
    await getBulkheadRegistry()
      .getOrCreate('database')
      .execute(() => 1);
    tracing.unregister();
    expect(sdk.exporter.getFinishedSpans().map((span) => span.name)).toEqual(['bulkhead database']);
  });
});
