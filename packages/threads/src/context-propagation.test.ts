import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestContext, requestPropagator } from '../test/fixtures/request-context.mjs';
import { asyncLocalStoragePropagator } from './async-local-storage-propagator.js';
import { loadOptionalModule } from './internal/optional-module.js';
import { ThreadPoolBulkhead } from './thread-pool-bulkhead.js';
import { traceContextPropagator } from './trace-context-propagator.js';

const PROPAGATION_TASKS = new URL('../test/fixtures/propagation-tasks.mjs', import.meta.url);
const PLAIN_TASKS = new URL('../test/fixtures/missing-propagator-tasks.mjs', import.meta.url);

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

let bulkhead: ThreadPoolBulkhead;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  bulkhead = new ThreadPoolBulkhead('propagation', {
    filename: PROPAGATION_TASKS,
    maxWorkers: 2,
    contextPropagators: [
      requestPropagator,
      traceContextPropagator(),
      traceContextPropagator({ name: 'otel-global', mode: 'global' }),
    ],
  });
});

afterAll(async () => {
  await bulkhead.close({ timeout: 0 });
  context.disable();
  propagation.disable();
});

function withSpan<T>(fn: () => T): T {
  const span = trace.wrapSpanContext({
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: 1,
  });
  return context.with(trace.setSpan(context.active(), span), fn);
}

describe('context propagation into worker tasks', () => {
  it('makes a request id set on the caller side visible inside the worker task', async () => {
    const ids = await Promise.all(
      ['req-1', 'req-2', 'req-3'].map((requestId) =>
        requestContext.run({ requestId }, () =>
          bulkhead.execute<string>(undefined, { name: 'readRequestId' }),
        ),
      ),
    );
    expect(ids).toEqual(['req-1', 'req-2', 'req-3']);
  });

  it('captures nothing when the caller has no store', async () => {
    await expect(bulkhead.execute(undefined, { name: 'readRequestId' })).resolves.toBeUndefined();
  });

  it('carries the active span context as W3C trace context (a remote parent in the worker)', async () => {
    const spanContext = await withSpan(() => bulkhead.execute(undefined, { name: 'readSpanContext' }));
    expect(spanContext).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: 1,
      isRemote: true,
      traceState: undefined,
    });
  });

  it('with mode global, carries what the global propagator injects (here: baggage)', async () => {
    const baggage = propagation.createBaggage({ tenant: { value: 'acme' } });
    const tenant = await context.with(propagation.setBaggage(context.active(), baggage), () =>
      bulkhead.execute(undefined, { name: 'readBaggage' }),
    );
    expect(tenant).toBe('acme');
  });

  it('fails the task with a clear error when the worker module lacks the propagator', async () => {
    const plain = new ThreadPoolBulkhead('no-propagators', {
      filename: PLAIN_TASKS,
      maxWorkers: 1,
      contextPropagators: [requestPropagator],
    });
    try {
      await expect(
        requestContext.run({ requestId: 'x' }, () => plain.execute(undefined, { name: 'hello' })),
      ).rejects.toThrow(/context propagator 'request' was captured .* 'contextPropagators' export/);
      await expect(plain.execute(undefined, { name: 'hello' })).resolves.toBe('hello');
    } finally {
      await plain.close();
    }
  });

  it('rejects the call, admitting nothing, when capture() throws', async () => {
    const failing = new ThreadPoolBulkhead('capture-throws', {
      filename: PLAIN_TASKS,
      maxWorkers: 1,
      contextPropagators: [
        {
          name: 'broken',
          capture: () => {
            throw new Error('cannot capture');
          },
          restore: (_value, run) => run(),
        },
      ],
    });
    try {
      await expect(failing.execute(undefined, { name: 'hello' })).rejects.toThrow('cannot capture');
      expect(failing.activeCount).toBe(0);
    } finally {
      await failing.close();
    }
  });
});

describe('built-in propagators', () => {
  it('asyncLocalStoragePropagator applies serialize on capture and deserialize on restore', () => {
    const storage = new AsyncLocalStorage<{ id: string; at: Date }>();
    const propagator = asyncLocalStoragePropagator({
      name: 'dated',
      storage,
      serialize: (store) => ({ id: store.id, at: store.at.toISOString() }),
      deserialize: (value) => ({ id: value.id, at: new Date(value.at) }),
    });
    const captured = storage.run({ id: 'a', at: new Date(0) }, () => propagator.capture());
    expect(captured).toEqual({ id: 'a', at: '1970-01-01T00:00:00.000Z' });
    const seen = propagator.restore(captured!, () => storage.getStore());
    expect(seen).toEqual({ id: 'a', at: new Date(0) });
  });

  it('asyncLocalStoragePropagator validates its options', () => {
    expect(() => asyncLocalStoragePropagator({ name: '', storage: new AsyncLocalStorage() })).toThrow(
      'options.name must not be empty',
    );
    expect(() => asyncLocalStoragePropagator({ name: 'x', storage: {} as never })).toThrow(
      'options.storage must be an AsyncLocalStorage',
    );
    expect(() =>
      asyncLocalStoragePropagator({ name: 'x', storage: new AsyncLocalStorage(), serialize: 1 as never }),
    ).toThrow('options.serialize must be a function');
    expect(() =>
      asyncLocalStoragePropagator({ name: 'x', storage: new AsyncLocalStorage(), deserialize: 1 as never }),
    ).toThrow('options.deserialize must be a function');
  });

  it('traceContextPropagator validates its options and captures nothing without an active span', () => {
    expect(() => traceContextPropagator({ mode: 'b3' as never })).toThrow(
      "options.mode must be 'w3c' or 'global'",
    );
    expect(() => traceContextPropagator({ name: '' })).toThrow('options.name must not be empty');
    expect(traceContextPropagator().capture()).toBeUndefined();
    expect(traceContextPropagator().restore({ traceparent: 'garbage' }, () => 'ran')).toBe('ran');
  });

  it('treats @opentelemetry/api as optional: a missing module loads as undefined', () => {
    expect(loadOptionalModule('@opentelemetry/this-package-does-not-exist')).toBeUndefined();
    expect(loadOptionalModule('@opentelemetry/api')).toBeDefined();
  });
});
