import { context, trace } from '@opentelemetry/api';
import { isRejection, SemaphoreBulkhead } from '@x/bulkhead-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTracingSdk } from '../test-support/otel-sdk.js';
import { deferred } from '../test-support/stub-thread-pool.js';
import { instrumentBulkheads } from './instrument-bulkheads.js';

let sdk: ReturnType<typeof registerTracingSdk>;
beforeAll(() => {
  sdk = registerTracingSdk();
});
afterAll(() => sdk.unregister());

describe('instrumentBulkheads invariants', () => {
  it('never changes a result, ends one span per call, and records the outcome that happened', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        async (maxConcurrent, maxQueue, succeeds) => {
          sdk.exporter.reset();
          const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent, maxQueue });
          const tracing = instrumentBulkheads({ source: [bulkhead], mode: 'child-span' });
          const gate = deferred();
          const parent = trace.getTracer('test').startSpan('request');
          const calls = context.with(trace.setSpan(context.active(), parent), () =>
            succeeds.map((success, index) =>
              bulkhead.execute(
                async () => {
                  await gate.promise;
                  if (!success) throw new Error(`failure ${index}`);
                  return index;
                },
                { timeout: Number.POSITIVE_INFINITY },
              ),
            ),
          );
          gate.resolve();
          const settled = await Promise.allSettled(calls);
          parent.end();
          tracing.unregister();

          const expected = settled.map((result, index) => {
            if (result.status === 'fulfilled') {
              expect(result.value).toBe(index);
              return 'success';
            }
            if (isRejection(result.reason)) return 'rejected';
            expect(result.reason).toEqual(new Error(`failure ${index}`));
            return 'failure';
          });
          const spans = sdk.exporter.getFinishedSpans().filter((span) => span.name === 'bulkhead db');
          expect(spans).toHaveLength(succeeds.length);
          const recorded = spans.map((span) => String(span.attributes['bulkhead.outcome'])).sort();
          expect(recorded).toEqual([...expected].sort());
          for (const span of spans) expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
          expect(bulkhead.activeCount).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });
});
