import type { MetricData } from '@opentelemetry/sdk-metrics';
import {
  type BulkheadState,
  createBulkheadState,
  PartitionedBulkhead,
  SemaphoreBulkhead,
} from '@x/bulkhead-core';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerBulkheadOtelMetrics } from '../opentelemetry/register-bulkhead-otel-metrics.js';
import { registerBulkheadMetrics } from '../prometheus/register-bulkhead-metrics.js';
import { createMetricsSdk } from '../test-support/otel-sdk.js';
import { callsByOutcome } from './call-statistics.js';
import { CALL_OUTCOMES, REJECTION_REASONS } from './outcome-index.js';

type Operation = 'success' | 'failure' | 'queue_full' | 'queue_timeout' | 'aborted';

/** What the exporters report for one bulkhead, keyed like the state fields they must match. */
interface Exported {
  readonly byOutcome: Record<string, number>;
  readonly requested: number;
  readonly byReason: Record<string, number>;
}

async function scrapePrometheus(registry: Registry): Promise<Exported> {
  const json = await registry.getMetricsAsJSON();
  const values = (name: string, label: string): Record<string, number> => {
    const metric = json.find((candidate) => candidate.name === name);
    return Object.fromEntries(
      (metric?.values ?? []).map((value) => [String(value.labels[label]), value.value]),
    );
  };
  const requested = json.find((candidate) => candidate.name === 'bulkhead_requested_calls_total');
  return {
    byOutcome: values('bulkhead_calls_total', 'outcome'),
    requested: requested?.values[0]?.value ?? Number.NaN,
    byReason: values('bulkhead_rejections_total', 'reason'),
  };
}

function readOtel(collected: MetricData[]): Exported {
  const values = (name: string, attribute: string): Record<string, number> => {
    const metric = collected.find((candidate) => candidate.descriptor.name === name);
    return Object.fromEntries(
      (metric?.dataPoints ?? []).map((point) => [String(point.attributes[attribute]), point.value as number]),
    );
  };
  const requested = collected.find((candidate) => candidate.descriptor.name === 'bulkhead.requested_calls');
  return {
    byOutcome: values('bulkhead.calls', 'bulkhead.outcome'),
    requested: (requested?.dataPoints[0]?.value as number | undefined) ?? Number.NaN,
    byReason: values('bulkhead.rejections', 'bulkhead.rejection.reason'),
  };
}

/** A bulkhead of one permit and one queue slot: a semaphore, or a partitioned one whose calls (no partition) use its spare capacity. */
type OnePermit = SemaphoreBulkhead | PartitionedBulkhead;
function onePermit(kind: 'semaphore' | 'partitioned'): OnePermit {
  return kind === 'semaphore'
    ? new SemaphoreBulkhead('mixed', { maxConcurrent: 1, maxQueue: 1 })
    : new PartitionedBulkhead('mixed', {
        maxConcurrent: 1,
        maxQueue: 1,
        partitions: { reserved: { share: 0 } },
      });
}

/** Runs one operation to its end on a bulkhead of one permit; rejections happen while a holder has it. */
async function run(bulkhead: OnePermit, operation: Operation): Promise<void> {
  if (operation === 'success') {
    await bulkhead.execute(() => 'ok');
    return;
  }
  if (operation === 'failure') {
    await bulkhead
      .execute(() => {
        throw new Error('failure');
      })
      .catch(() => undefined);
    return;
  }
  const holder = await bulkhead.acquire();
  const options =
    operation === 'queue_timeout'
      ? { timeout: 1 }
      : operation === 'aborted'
        ? { timeout: 1000, signal: AbortSignal.abort() }
        : {};
  await bulkhead.execute(() => 'never', options).catch(() => undefined);
  holder.release();
}

function expectMatchesState(exported: Exported, state: BulkheadState): void {
  expect(exported.byOutcome.success).toBe(state.successfulCalls);
  expect((exported.byOutcome.failure ?? 0) + (exported.byOutcome.timeout ?? 0)).toBe(state.failedCalls);
  expect(exported.byOutcome.timeout).toBe(state.timedOutCount ?? 0);
  expect(exported.byOutcome.rejected).toBe(state.rejectedCount);
  expect(exported.requested).toBe(state.totalCalls);
  const rejections = Object.values(exported.byReason).reduce((sum, count) => sum + count, 0);
  expect(rejections).toBe(state.rejectedCount);
}

describe('callsByOutcome', () => {
  it('splits failedCalls into failure and timeout and passes the other statistics through (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.nat(1000),
        fc.nat(1000),
        fc.option(fc.nat(1000), { nil: undefined }),
        (successfulCalls, failures, rejectedCount, timedOut) => {
          const failedCalls = failures + (timedOut ?? 0);
          const state = createBulkheadState({
            name: 'x',
            type: 'thread_pool',
            maxConcurrent: 1,
            activeCount: 0,
            waitingCount: 0,
            maxQueue: 0,
            rejectedCount,
            admittedCount: successfulCalls + failedCalls,
            successfulCalls,
            failedCalls,
            lastRejectionTime: null,
            closed: false,
            ...(timedOut === undefined ? {} : { timedOutCount: timedOut }),
          });
          const counts = Object.fromEntries(
            CALL_OUTCOMES.map((outcome, index) => [outcome, callsByOutcome(state)[index]]),
          );
          expect(counts).toEqual({
            success: successfulCalls,
            failure: failures,
            rejected: rejectedCount,
            timeout: timedOut ?? 0,
          });
        },
      ),
    );
  });
});

describe('Prometheus and OpenTelemetry exporters report the call statistics of getState()', () => {
  it('match state, and what the calls did, after a mixed run of a semaphore or partitioned bulkhead (property, real prom-client and OTel SDK)', async () => {
    const operation = fc.constantFrom<Operation>(
      'success',
      'failure',
      'queue_full',
      'queue_timeout',
      'aborted',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('semaphore' as const, 'partitioned' as const),
        fc.array(operation, { maxLength: 20 }),
        async (kind, operations) => {
          const bulkhead = onePermit(kind);
          const registry = new Registry();
          const prometheus = registerBulkheadMetrics({ registry, source: [bulkhead] });
          const sdk = createMetricsSdk();
          const otel = registerBulkheadOtelMetrics({
            meter: sdk.provider.getMeter('test'),
            source: [bulkhead],
          });
          try {
            for (const step of operations) await run(bulkhead, step);
            await bulkhead.close();
            await bulkhead.execute(() => 'late').catch(() => undefined);

            const state = bulkhead.getState();
            const count = (name: Operation) => operations.filter((step) => step === name).length;
            const holders = operations.length - count('success') - count('failure');
            expect(state.successfulCalls).toBe(count('success') + holders);
            expect(state.failedCalls).toBe(count('failure'));
            expect(state.rejectedCount).toBe(holders + 1);

            const scraped = await scrapePrometheus(registry);
            const collected = readOtel(await sdk.collect());
            for (const exported of [scraped, collected]) {
              expectMatchesState(exported, state);
              for (const reason of ['queue_full', 'queue_timeout', 'aborted'] as const) {
                expect(exported.byReason[reason]).toBe(count(reason));
              }
              expect(exported.byReason.shutdown).toBe(1);
              expect(Object.keys(exported.byReason).sort()).toEqual([...REJECTION_REASONS].sort());
            }
          } finally {
            prometheus.unregister();
            otel.unregister();
            await sdk.shutdown();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('count the calls a bulkhead made before the exporters were registered, as state does', async () => {
    const bulkhead = new SemaphoreBulkhead('early-calls', { maxConcurrent: 1 });
    await bulkhead.execute(() => 'before');
    await bulkhead.execute(() => Promise.reject(new Error('before'))).catch(() => undefined);
    const registry = new Registry();
    const prometheus = registerBulkheadMetrics({ registry, source: [bulkhead] });
    const sdk = createMetricsSdk();
    const otel = registerBulkheadOtelMetrics({ meter: sdk.provider.getMeter('test'), source: [bulkhead] });
    await bulkhead.execute(() => 'after');
    const scraped = await scrapePrometheus(registry);
    const collected = readOtel(await sdk.collect());
    for (const exported of [scraped, collected]) {
      expect(exported.byOutcome).toEqual({ success: 2, failure: 1, rejected: 0, timeout: 0 });
      expect(exported.requested).toBe(bulkhead.getState().totalCalls);
    }
    prometheus.unregister();
    otel.unregister();
    await sdk.shutdown();
  });
});
