import { isRejection, SemaphoreBulkhead } from '@x/bulkhead-core';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { deferred } from '../test-support/stub-thread-pool.js';
import { registerBulkheadMetrics } from './register-bulkhead-metrics.js';

function sample(text: string, line: string): number {
  const found = text.split('\n').find((candidate) => candidate.startsWith(`${line} `));
  return Number(found?.slice(line.length + 1));
}

describe('registerBulkheadMetrics invariants', () => {
  it('scraped counters and histogram counts match what happened to every call', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        async (maxConcurrent, maxQueue, succeeds) => {
          const registry = new Registry();
          const bulkhead = new SemaphoreBulkhead('db', { maxConcurrent, maxQueue });
          const metrics = registerBulkheadMetrics({ registry, source: [bulkhead] });
          const gate = deferred();
          const calls = succeeds.map((success) =>
            bulkhead.execute(
              async () => {
                await gate.promise;
                if (!success) throw new Error('failure');
              },
              { timeout: Number.POSITIVE_INFINITY },
            ),
          );
          gate.resolve();
          const settled = await Promise.allSettled(calls);
          const text = await registry.metrics();
          metrics.unregister();

          const fulfilled = settled.filter((result) => result.status === 'fulfilled').length;
          const rejected = settled.filter(
            (result) => result.status === 'rejected' && isRejection(result.reason),
          ).length;
          const failed = settled.length - fulfilled - rejected;
          const labels = 'bulkhead="db",type="semaphore"';
          expect(sample(text, `bulkhead_calls_total{${labels},outcome="success"}`)).toBe(fulfilled);
          expect(sample(text, `bulkhead_calls_total{${labels},outcome="failure"}`)).toBe(failed);
          expect(sample(text, `bulkhead_calls_total{${labels},outcome="rejected"}`)).toBe(rejected);
          expect(sample(text, `bulkhead_rejections_total{${labels},reason="queue_full"}`)).toBe(rejected);
          expect(sample(text, `bulkhead_wait_seconds_count{${labels}}`)).toBe(fulfilled + failed);
          expect(sample(text, `bulkhead_call_duration_seconds_bucket{${labels},le="+Inf"}`)).toBe(
            fulfilled + failed,
          );
        },
      ),
      { numRuns: 50 },
    );
  });
});
