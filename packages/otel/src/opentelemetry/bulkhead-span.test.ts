import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerTracingSdk } from '../test-support/otel-sdk.js';
import { bulkheadOperationSpan, bulkheadSpan } from './bulkhead-span.js';

let sdk: ReturnType<typeof registerTracingSdk>;
beforeEach(() => {
  sdk = registerTracingSdk();
});
afterEach(() => sdk.unregister());

function finished(name: string): ReadableSpan {
  const span = sdk.exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (span === undefined) throw new Error(`no finished span '${name}'`);
  return span;
}

describe('bulkheadSpan', () => {
  it('runs a sync callback in a span and attaches spanData', () => {
    const result = bulkheadSpan('db', 10, (spanData) => {
      spanData.result_size = 3;
      spanData.cached = false;
      spanData.tags = ['a', 'b'];
      spanData.details = { shard: 2 };
      spanData.missing = undefined;
      return 'rows';
    });
    expect(result).toBe('rows');
    const span = finished('bulkhead db');
    expect(span.attributes).toEqual({
      'bulkhead.name': 'db',
      'bulkhead.max_concurrent': 10,
      result_size: 3,
      cached: false,
      tags: ['a', 'b'],
      details: '{"shard":2}',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records the timeout and waits for an async callback before ending the span', async () => {
    let resolve!: (value: number) => void;
    const pending = bulkheadSpan('db', 5, 2000, (spanData) =>
      new Promise<number>((onResolve) => {
        resolve = onResolve;
      }).then((value) => {
        spanData.rows = value;
        return value;
      }),
    );
    expect(sdk.exporter.getFinishedSpans()).toEqual([]);
    resolve(12);
    await expect(pending).resolves.toBe(12);
    expect(finished('bulkhead db').attributes).toMatchObject({ 'bulkhead.timeout_ms': 2000, rows: 12 });
  });

  it('rethrows the very value fn threw and ends the span, even a value that cannot be stringified', async () => {
    const unprintable = Object.create(null) as object;
    const throwingToString = {
      toString: () => {
        throw new Error('no string for you');
      },
    };
    let thrown: unknown;
    try {
      bulkheadSpan('db', 1, () => {
        throw unprintable;
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(unprintable);
    await expect(bulkheadOperationSpan('db', 'query', () => Promise.reject(throwingToString))).rejects.toBe(
      throwingToString,
    );
    const statuses = sdk.exporter.getFinishedSpans().map((span) => span.status);
    expect(statuses).toEqual([
      { code: SpanStatusCode.ERROR, message: 'object' },
      { code: SpanStatusCode.ERROR, message: 'object' },
    ]);
  });

  it('keeps a spanData value that cannot be serialised from hiding the result', () => {
    const unserialisable = Object.create(null, {
      toJSON: {
        value: () => {
          throw new Error('no JSON');
        },
      },
    }) as object;
    expect(
      bulkheadSpan('db', 1, (spanData) => {
        spanData.odd = unserialisable;
        return 'rows';
      }),
    ).toBe('rows');
    expect(finished('bulkhead db').attributes.odd).toBe('object');
  });

  it('records an error, sets the error status and rethrows', async () => {
    expect(() =>
      bulkheadSpan('db', 1, undefined, () => {
        throw new Error('sync boom');
      }),
    ).toThrow('sync boom');
    await expect(bulkheadSpan('db', 1, () => Promise.reject(new Error('async boom')))).rejects.toThrow(
      'async boom',
    );
    const [syncSpan, asyncSpan] = sdk.exporter.getFinishedSpans();
    expect(syncSpan?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'sync boom' });
    expect(asyncSpan?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'async boom' });
    expect(asyncSpan?.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('nests operation spans and works around a bulkhead call (README example)', async () => {
    const database = new SemaphoreBulkhead('database', { maxConcurrent: 10 });
    const users = await bulkheadSpan('database', 10, (spanData) =>
      database.execute(() =>
        bulkheadOperationSpan('database', 'user_query', async (operationData) => {
          const rows = ['ada', 'grace'];
          operationData.count = rows.length;
          spanData.result_size = rows.length;
          return rows;
        }),
      ),
    );
    expect(users).toEqual(['ada', 'grace']);
    const outer = finished('bulkhead database');
    const operation = finished('bulkhead database user_query');
    expect(operation.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(operation.attributes).toEqual({
      'bulkhead.name': 'database',
      'bulkhead.operation': 'user_query',
      count: 2,
    });
    expect(outer.attributes.result_size).toBe(2);
  });

  it('makes the span active inside the callback', () => {
    bulkheadSpan('db', 1, () => {
      expect(trace.getActiveSpan()?.isRecording()).toBe(true);
    });
  });
});

describe('span helper validation', () => {
  const noop = () => undefined;
  it('rejects an empty name', () => {
    expect(() => bulkheadSpan('', 1, noop)).toThrow(new RangeError('name must not be empty'));
    expect(() => bulkheadSpan(7 as never, 1, noop)).toThrow(
      new TypeError('name must be a string, got number 7'),
    );
  });
  it('rejects an invalid maxConcurrent', () => {
    expect(() => bulkheadSpan('db', 0, noop)).toThrow(
      new RangeError('maxConcurrent must be an integer >= 1, got number 0'),
    );
  });
  it('rejects an invalid timeout', () => {
    expect(() => bulkheadSpan('db', 1, -1, noop)).toThrow(
      new RangeError('timeout must be a number of milliseconds >= 0, got number -1'),
    );
  });
  it('rejects a missing callback', () => {
    expect(() => bulkheadSpan('db', 1, 5, undefined as never)).toThrow(
      new TypeError('fn must be a function, got undefined'),
    );
  });
  it('rejects an empty operation', () => {
    expect(() => bulkheadOperationSpan('db', '', noop)).toThrow(
      new RangeError('operation must not be empty'),
    );
  });
});
