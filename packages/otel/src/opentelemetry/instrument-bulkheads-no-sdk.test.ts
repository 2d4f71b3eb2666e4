import { trace } from '@opentelemetry/api';
import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { afterEach, describe, expect, it } from 'vitest';
import { registerTracingSdk } from '../test-support/otel-sdk.js';
import { bulkheadSpan } from './bulkhead-span.js';
import { instrumentBulkheads } from './instrument-bulkheads.js';

describe('without an SDK', () => {
  let unregisterSdk: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await unregisterSdk?.();
    unregisterSdk = undefined;
  });

  it('runs instrumented calls and span helpers as plain calls', async () => {
    const bulkhead = new SemaphoreBulkhead('db');
    const handle = instrumentBulkheads({ source: [bulkhead], mode: 'child-span' });
    await expect(bulkhead.execute(() => 'ok')).resolves.toBe('ok');
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(bulkheadSpan('db', 10, (spanData) => Object.keys(spanData).length)).toBe(0);
    handle.unregister();
  });

  it('starts tracing once an SDK registers after instrumentation', async () => {
    const bulkhead = new SemaphoreBulkhead('db');
    const handle = instrumentBulkheads({ source: [bulkhead], mode: 'child-span' });
    await bulkhead.execute(() => 1);
    const sdk = registerTracingSdk();
    unregisterSdk = sdk.unregister;
    await bulkhead.execute(() => 2);
    expect(sdk.exporter.getFinishedSpans().map((span) => span.name)).toEqual(['bulkhead db']);
    handle.unregister();
  });
});
