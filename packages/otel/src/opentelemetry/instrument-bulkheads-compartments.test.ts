import { trace } from '@opentelemetry/api';
import { KeyedBulkhead, PartitionedBulkhead } from '@x/bulkhead-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerTracingSdk } from '../test-support/otel-sdk.js';
import { type BulkheadTracing, instrumentBulkheads } from './instrument-bulkheads.js';

let sdk: ReturnType<typeof registerTracingSdk>;
const handles: BulkheadTracing[] = [];
beforeEach(() => {
  sdk = registerTracingSdk();
});
afterEach(async () => {
  for (const handle of handles.splice(0)) handle.unregister();
  await sdk.unregister();
});

function instrument(options: Parameters<typeof instrumentBulkheads>[0]): void {
  handles.push(instrumentBulkheads(options));
}

/** `attribute` of every finished `bulkhead ...` child span, in the order they ended. */
function spanAttribute(attribute: string): unknown[] {
  return sdk.exporter
    .getFinishedSpans()
    .filter((span) => span.name.startsWith('bulkhead '))
    .map((span) => span.attributes[attribute]);
}

describe('instrumentBulkheads: partitioned and keyed bulkheads', () => {
  it('puts the partition on the span (calls without one: (unpartitioned)), also through a partition view', async () => {
    const database = new PartitionedBulkhead('database', {
      maxConcurrent: 4,
      partitions: { live: { share: 0.5 }, batch: { share: 0.25 } },
    });
    const live = database.partition('live');
    instrument({ source: [database, live], mode: 'child-span' });
    await database.execute(() => 'row', { partition: 'batch' });
    await database.execute(() => 'spare');
    await live.execute(() => 'page');
    // The view's call runs through the partitioned bulkhead's execute: two spans, both labelled live.
    expect(spanAttribute('bulkhead.partition')).toEqual(['batch', '(unpartitioned)', 'live', 'live']);
    expect(spanAttribute('bulkhead.name')).toEqual(['database', 'database', 'database', 'database/live']);
  });

  it('puts the key on the span in every calling form of a keyed bulkhead, which keeps working', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 } });
    instrument({ source: [tenants], mode: 'child-span' });
    await expect(tenants.execute('acme', () => 'keyed form')).resolves.toBe('keyed form');
    await expect(tenants.execute(() => 'bulkhead form', { key: 'globex' })).resolves.toBe('bulkhead form');
    await expect(tenants.forKey('initech').execute(() => 'view')).resolves.toBe('view');
    await expect(tenants.wrap((value: string) => value, { key: 'umbrella' })('wrapped')).resolves.toBe(
      'wrapped',
    );
    expect(spanAttribute('bulkhead.key')).toEqual(['acme', 'globex', 'initech', 'umbrella']);
    expect(spanAttribute('bulkhead.outcome')).toEqual(['success', 'success', 'success', 'success']);
  });

  it('adds the key to the bulkhead event on the active span, and leaves invalid calls to core', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1 } });
    instrument({ source: [tenants] });
    await trace.getTracer('test').startActiveSpan('request', async (span) => {
      await tenants.execute('acme', () => 'ok');
      span.end();
    });
    const request = sdk.exporter.getFinishedSpans().find((span) => span.name === 'request');
    expect(request?.events[0]?.attributes).toMatchObject({
      'bulkhead.key': 'acme',
      'bulkhead.outcome': 'success',
    });
    await expect(tenants.execute('acme', 'not a function' as never)).rejects.toThrow(TypeError);
  });
});
