import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BulkheadRegistry, BulkheadTimeoutError, SemaphoreBulkhead } from '@x/bulkhead-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerTracingSdk } from '../test-support/otel-sdk.js';
import { deferred, StubThreadPool } from '../test-support/stub-thread-pool.js';
import { type BulkheadTracing, instrumentBulkheads } from './instrument-bulkheads.js';

let sdk: ReturnType<typeof registerTracingSdk>;
const handles: BulkheadTracing[] = [];
function instrument(options: Parameters<typeof instrumentBulkheads>[0]): BulkheadTracing {
  const handle = instrumentBulkheads(options);
  handles.push(handle);
  return handle;
}
beforeEach(() => {
  sdk = registerTracingSdk();
});
afterEach(async () => {
  for (const handle of handles.splice(0)) handle.unregister();
  await sdk.unregister();
});

const tracer = () => trace.getTracer('test');
function inSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}
function finished(name: string): ReadableSpan {
  const span = sdk.exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (span === undefined) throw new Error(`no finished span '${name}'`);
  return span;
}
function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

describe('instrumentBulkheads (active-span mode)', () => {
  it('adds a bulkhead event with name, type, limit, wait time and outcome to the active span', async () => {
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 3 });
    instrument({ source: [bulkhead] });
    await inSpan('request', () => bulkhead.execute(() => 'ok'));
    const request = finished('request');
    expect(request.events).toHaveLength(1);
    expect(request.events[0]?.name).toBe('bulkhead');
    expect(request.events[0]?.attributes).toMatchObject({
      'bulkhead.name': 'db',
      'bulkhead.type': 'semaphore',
      'bulkhead.max_concurrent': 3,
      'bulkhead.outcome': 'success',
    });
    expect(request.events[0]?.attributes?.['bulkhead.wait_time_ms']).toBeTypeOf('number');
    expect(request.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('sets the error status with the reason when the call is rejected', async () => {
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 1 });
    instrument({ source: [bulkhead] });
    const gate = deferred();
    const holder = bulkhead.execute(() => gate.promise);
    await inSpan('request', async () => {
      await expect(bulkhead.execute(() => 'x')).rejects.toMatchObject({ reason: 'queue_full' });
    });
    gate.resolve();
    await holder;
    const request = finished('request');
    expect(request.events[0]?.attributes).toMatchObject({
      'bulkhead.outcome': 'rejected',
      'bulkhead.rejection.reason': 'queue_full',
    });
    expect(request.events[0]?.attributes?.['bulkhead.wait_time_ms']).toBeUndefined();
    expect(request.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: "bulkhead 'db' rejected the call: queue_full",
    });
  });

  it('records aborted waits and timeouts raised by the protected function', async () => {
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 1 });
    instrument({ source: [bulkhead] });
    const gate = deferred();
    const holder = bulkhead.execute(() => gate.promise);
    const controller = new AbortController();
    await inSpan('aborted', async () => {
      const waiting = bulkhead.execute(() => 'x', {
        timeout: Number.POSITIVE_INFINITY,
        signal: controller.signal,
      });
      controller.abort(new Error('gave up'));
      await expect(waiting).rejects.toThrow('gave up');
    });
    gate.resolve();
    await holder;
    await inSpan('timed-out', async () => {
      await expect(
        bulkhead.execute(() => {
          throw new BulkheadTimeoutError({ bulkheadName: 'db', timeout: 5 });
        }),
      ).rejects.toThrow(BulkheadTimeoutError);
    });
    expect(finished('aborted').events[0]?.attributes).toMatchObject({
      'bulkhead.outcome': 'rejected',
      'bulkhead.rejection.reason': 'aborted',
    });
    expect(finished('timed-out').events[0]?.attributes).toMatchObject({ 'bulkhead.outcome': 'timeout' });
    expect(finished('timed-out').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records nothing and still runs the call when no span is active', async () => {
    const bulkhead = new SemaphoreBulkhead('db');
    instrument({ source: [bulkhead] });
    await expect(bulkhead.execute(() => 42)).resolves.toBe(42);
    expect(sdk.exporter.getFinishedSpans()).toEqual([]);
  });

  it('covers wrap() and calls of bulkheads added to the registry later', async () => {
    const bulkheads = new BulkheadRegistry();
    instrument({ source: bulkheads });
    const late = bulkheads.getOrCreate('late');
    const wrapped = late.wrap((value: number) => value * 2);
    await inSpan('request', async () => {
      expect(await wrapped(21)).toBe(42);
    });
    expect(finished('request').events[0]?.attributes).toMatchObject({ 'bulkhead.name': 'late' });
  });
});

describe('instrumentBulkheads (child-span mode)', () => {
  it('wraps each call in a child span; work inside is its child', async () => {
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 2 });
    instrument({ source: [bulkhead], mode: 'child-span', tracer: sdk.provider.getTracer('bulkheads') });
    await inSpan('request', () =>
      bulkhead.execute(async () => {
        tracer().startSpan('query').end();
      }),
    );
    const request = finished('request');
    const passage = finished('bulkhead db');
    expect(parentOf(passage)).toBe(request.spanContext().spanId);
    expect(parentOf(finished('query'))).toBe(passage.spanContext().spanId);
    expect(passage.attributes).toMatchObject({
      'bulkhead.name': 'db',
      'bulkhead.type': 'semaphore',
      'bulkhead.max_concurrent': 2,
      'bulkhead.outcome': 'success',
    });
    expect(passage.attributes['bulkhead.wait_time_ms']).toBeTypeOf('number');
    expect(request.events).toEqual([]);
  });

  it('marks failures and rejections as errors on the child span', async () => {
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 1 });
    instrument({ source: [bulkhead], mode: 'child-span' });
    await expect(
      bulkhead.execute(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const failure = finished('bulkhead db');
    expect(failure.attributes['bulkhead.outcome']).toBe('failure');
    expect(failure.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(failure.events.map((event) => event.name)).toEqual(['exception']);
    sdk.exporter.reset();
    await bulkhead.close();
    await expect(bulkhead.execute(() => 1)).rejects.toMatchObject({ reason: 'shutdown' });
    const rejected = finished('bulkhead db');
    expect(rejected.attributes).toMatchObject({
      'bulkhead.outcome': 'rejected',
      'bulkhead.rejection.reason': 'shutdown',
    });
    expect(rejected.status.message).toBe("bulkhead 'db' rejected the call: shutdown");
  });

  it('ends the child span and rejects with the very value fn threw, even one that cannot be stringified', async () => {
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 1 });
    instrument({ source: [bulkhead], mode: 'child-span' });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const unprintable = Object.create(null) as object;
    const throwingToString = {
      toString: () => {
        throw new Error('no string for you');
      },
    };
    try {
      await expect(bulkhead.execute(() => Promise.reject(unprintable))).rejects.toBe(unprintable);
      await expect(bulkhead.execute(() => Promise.reject(throwingToString))).rejects.toBe(throwingToString);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    const spans = sdk.exporter.getFinishedSpans().filter((span) => span.name === 'bulkhead db');
    expect(spans.map((span) => span.status)).toEqual([
      { code: SpanStatusCode.ERROR, message: 'object' },
      { code: SpanStatusCode.ERROR, message: 'object' },
    ]);
    expect(warnings).toEqual([]);
    expect(bulkhead.activeCount).toBe(0);
  });

  it('passes thread-pool functions through untouched and still records the passage', async () => {
    const pool = new StubThreadPool('cpu', { maxWorkers: 2, queueCapacity: 2 });
    const execute = vi.spyOn(pool, 'execute');
    instrument({ source: [pool], mode: 'child-span' });
    const task = () => 7;
    await expect(pool.execute(task)).resolves.toBe(7);
    expect(execute.mock.calls[0]?.[0]).toBe(task);
    const passage = finished('bulkhead cpu');
    expect(passage.attributes).toMatchObject({
      'bulkhead.type': 'thread_pool',
      'bulkhead.outcome': 'success',
    });
    expect(passage.attributes['bulkhead.wait_time_ms']).toBeUndefined();
  });
});

describe('trace context across the bulkhead queue', () => {
  async function callThatWaits(bulkhead: SemaphoreBulkhead) {
    const gate = deferred();
    const admitted = deferred();
    const holder = inSpan('holder', () =>
      bulkhead.execute(() => {
        admitted.resolve();
        return gate.promise;
      }),
    );
    await admitted.promise;
    let seenTraceId: string | undefined;
    const waiter = inSpan('waiter', (span) => {
      const call = bulkhead.execute(
        () => {
          seenTraceId = trace.getActiveSpan()?.spanContext().traceId;
          tracer().startSpan('inside').end();
        },
        { timeout: Number.POSITIVE_INFINITY },
      );
      expect(bulkhead.waitingCount).toBe(1);
      return call.then(() => span.spanContext().traceId);
    });
    // The holder releases the permit from its own trace: the waiter must not inherit it.
    gate.resolve();
    const [waiterTraceId] = await Promise.all([waiter, holder]);
    return { waiterTraceId, seenTraceId };
  }

  it('keeps a call that waited in its caller trace (no instrumentation)', async () => {
    const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 1 });
    const { waiterTraceId, seenTraceId } = await callThatWaits(bulkhead);
    expect(seenTraceId).toBe(waiterTraceId);
    expect(parentOf(finished('inside'))).toBe(finished('waiter').spanContext().spanId);
  });

  it.each(['active-span', 'child-span'] as const)(
    'keeps a call that waited in its caller trace (%s)',
    async (mode) => {
      const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent: 1 });
      instrument({ source: [bulkhead], mode });
      const { waiterTraceId, seenTraceId } = await callThatWaits(bulkhead);
      expect(seenTraceId).toBe(waiterTraceId);
      const waiter = finished('waiter');
      const inside = finished('inside');
      expect(inside.spanContext().traceId).toBe(waiterTraceId);
      if (mode === 'child-span') {
        const passages = sdk.exporter.getFinishedSpans().filter((span) => span.name === 'bulkhead db');
        const waiterPassage = passages.find((span) => parentOf(span) === waiter.spanContext().spanId);
        expect(waiterPassage?.spanContext().traceId).toBe(waiterTraceId);
        expect(parentOf(inside)).toBe(waiterPassage?.spanContext().spanId);
      } else {
        expect(parentOf(inside)).toBe(waiter.spanContext().spanId);
        expect(waiter.events[0]?.attributes).toMatchObject({ 'bulkhead.outcome': 'success' });
      }
    },
  );
});

describe('instrumentBulkheads lifecycle', () => {
  it('restores execute on unregister and stops following the registry', async () => {
    const bulkheads = new BulkheadRegistry();
    const bulkhead = bulkheads.getOrCreate('db');
    const handle = instrumentBulkheads({ source: bulkheads });
    expect(Object.hasOwn(bulkhead, 'execute')).toBe(true);
    handle.unregister();
    handle.unregister();
    expect(Object.hasOwn(bulkhead, 'execute')).toBe(false);
    expect(bulkhead.execute).toBe(SemaphoreBulkhead.prototype.execute);
    const late = bulkheads.getOrCreate('late');
    expect(Object.hasOwn(late, 'execute')).toBe(false);
    await inSpan('request', () => bulkhead.execute(() => 1));
    expect(finished('request').events).toEqual([]);
  });

  it('leaves a later wrapper in place but passes through after unregister', async () => {
    const bulkhead = new SemaphoreBulkhead('db');
    const handle = instrumentBulkheads({ source: [bulkhead] });
    const instrumented = bulkhead.execute;
    const outer = vi.fn((fn: () => unknown) => instrumented.call(bulkhead, fn));
    Object.defineProperty(bulkhead, 'execute', { value: outer, configurable: true, writable: true });
    handle.unregister();
    expect(bulkhead.execute).toBe(outer);
    await inSpan('request', () => bulkhead.execute(() => 1));
    expect(finished('request').events).toEqual([]);
  });

  it('restores execute of a bulkhead removed from the registry', () => {
    const bulkheads = new BulkheadRegistry();
    const bulkhead = bulkheads.getOrCreate('db');
    instrument({ source: bulkheads });
    expect(Object.hasOwn(bulkhead, 'execute')).toBe(true);
    bulkheads.unregister('db');
    expect(Object.hasOwn(bulkhead, 'execute')).toBe(false);
  });

  it('turns a failing tracer into a warning and leaves the call alone', async () => {
    const bulkhead = new SemaphoreBulkhead('db');
    const brokenStart = {
      startSpan: () => {
        throw new Error('tracer down');
      },
    } as never;
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const handle = instrumentBulkheads({ source: [bulkhead], mode: 'child-span', tracer: brokenStart });
    await expect(bulkhead.execute(() => 'ok')).resolves.toBe('ok');
    handle.unregister();
    const real = sdk.provider.getTracer('t');
    const brokenEnd = {
      startSpan: (...args: Parameters<typeof real.startSpan>) => {
        const span = real.startSpan(...args);
        span.end = () => {
          throw new Error('exporter down');
        };
        return span;
      },
    } as never;
    instrument({ source: [bulkhead], mode: 'child-span', tracer: brokenEnd });
    await expect(bulkhead.execute(() => 'still ok')).resolves.toBe('still ok');
    expect(warning.mock.calls.map(([message]) => String(message))).toEqual([
      expect.stringContaining('tracer down'),
      expect.stringContaining('exporter down'),
    ]);
    warning.mockRestore();
  });

  it('refuses to instrument a bulkhead twice', () => {
    const bulkhead = new SemaphoreBulkhead('db');
    instrument({ source: [bulkhead] });
    expect(() => instrumentBulkheads({ source: [bulkhead] })).toThrow(/'db' is already instrumented/);
    expect(() => instrumentBulkheads({ source: [bulkhead] })).toThrow(
      expect.objectContaining({ name: 'BulkheadError', code: 'BULKHEAD_ERROR' }),
    );
  });

  it('warns and skips a bulkhead added later that another instrumentation owns', () => {
    const bulkhead = new SemaphoreBulkhead('db');
    instrument({ source: [bulkhead] });
    const bulkheads = new BulkheadRegistry();
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    instrument({ source: bulkheads });
    bulkheads.register(bulkhead);
    expect(warning).toHaveBeenCalledWith(
      expect.stringContaining("'db' is already instrumented"),
      expect.any(String),
    );
    warning.mockRestore();
  });
});
