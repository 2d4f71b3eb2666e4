import type { MetricData } from '@opentelemetry/sdk-metrics';
import { isRejection, PartitionedBulkhead, type PartitionState, type Permit } from '@x/bulkhead-core';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerBulkheadOtelMetrics } from '../opentelemetry/register-bulkhead-otel-metrics.js';
import { registerBulkheadMetrics } from '../prometheus/register-bulkhead-metrics.js';
import { createMetricsSdk } from '../test-support/otel-sdk.js';
import { flush } from '../test-support/stub-thread-pool.js';
import { UNPARTITIONED_LABEL } from './compartment-labels.js';
import { REJECTION_REASONS } from './outcome-index.js';

type Operation = 'success' | 'failure' | 'queue_full' | 'queue_timeout' | 'aborted';
type Partition = 'live' | 'batch' | undefined;
const label = (partition: Partition) => partition ?? UNPARTITIONED_LABEL;

/** Per-partition figures an exporter reports, each by `partition` label. */
interface Exported {
  readonly gauges: Record<
    'active' | 'waiting' | 'guaranteed' | 'borrowed' | 'rejected',
    Record<string, number>
  >;
  /** `partition/reason` to count. */
  readonly byReason: Record<string, number>;
  readonly waitCount: Record<string, number>;
  readonly durationCount: Record<string, number>;
}

async function scrapePrometheus(registry: Registry): Promise<Exported> {
  const json = await registry.getMetricsAsJSON();
  const values = (name: string, metricName?: string): Record<string, number> =>
    Object.fromEntries(
      (json.find((metric) => metric.name === name)?.values ?? [])
        .filter(
          (value) => metricName === undefined || (value as { metricName?: string }).metricName === metricName,
        )
        .map((value) => [String(value.labels.partition), value.value]),
    );
  const reasons = json.find((metric) => metric.name === 'bulkhead_partition_rejections_total')?.values ?? [];
  return {
    gauges: {
      active: values('bulkhead_partition_active_calls'),
      waiting: values('bulkhead_partition_waiting_calls'),
      guaranteed: values('bulkhead_partition_guaranteed_permits'),
      borrowed: values('bulkhead_partition_borrowed_permits'),
      rejected: values('bulkhead_partition_rejected_calls_total'),
    },
    byReason: Object.fromEntries(
      reasons.map((value) => [`${value.labels.partition}/${value.labels.reason}`, value.value]),
    ),
    waitCount: values('bulkhead_partition_wait_seconds', 'bulkhead_partition_wait_seconds_count'),
    durationCount: values(
      'bulkhead_partition_call_duration_seconds',
      'bulkhead_partition_call_duration_seconds_count',
    ),
  };
}

function readOtel(collected: MetricData[]): Exported {
  const points = (name: string) =>
    collected.find((metric) => metric.descriptor.name === name)?.dataPoints ?? [];
  const values = (name: string): Record<string, number> =>
    Object.fromEntries(
      points(name).map((point) => [
        String(point.attributes['bulkhead.partition']),
        typeof point.value === 'number' ? point.value : (point.value as { count: number }).count,
      ]),
    );
  return {
    gauges: {
      active: values('bulkhead.partition.active_calls'),
      waiting: values('bulkhead.partition.waiting_calls'),
      guaranteed: values('bulkhead.partition.guaranteed_permits'),
      borrowed: values('bulkhead.partition.borrowed_permits'),
      rejected: values('bulkhead.partition.rejected_calls'),
    },
    byReason: Object.fromEntries(
      points('bulkhead.partition.rejections').map((point) => [
        `${point.attributes['bulkhead.partition']}/${point.attributes['bulkhead.rejection.reason']}`,
        point.value as number,
      ]),
    ),
    waitCount: values('bulkhead.partition.wait.duration'),
    durationCount: values('bulkhead.partition.call.duration'),
  };
}

/** What the calls of a run did, by `partition` label. */
interface Observed {
  readonly admitted: Record<string, number>;
  readonly byReason: Record<string, number>;
}

function count(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** Runs one operation to its end; rejections happen while `live` holds every permit. */
async function run(
  bulkhead: PartitionedBulkhead,
  partition: Partition,
  operation: Operation,
  observed: Observed,
) {
  // An aborted call rejects with its signal's reason, not a rejection error: the operation names the reason.
  const settle = async (call: () => Promise<unknown>, into: string) => {
    try {
      await call();
      count(observed.admitted, into);
    } catch (error) {
      if (isRejection(error)) count(observed.byReason, `${into}/${error.reason}`);
      else if (operation === 'success' || operation === 'failure') count(observed.admitted, into);
      else count(observed.byReason, `${into}/${operation}`);
    }
  };
  const options = partition === undefined ? {} : { partition };
  if (operation === 'success' || operation === 'failure') {
    await settle(
      () =>
        bulkhead.execute(() => {
          if (operation === 'failure') throw new Error('failure');
        }, options),
      label(partition),
    );
    return;
  }
  const holders: Permit[] = [];
  for (let index = 0; index < 4; index++) holders.push(await bulkhead.acquire({ partition: 'live' }));
  const waitOptions =
    operation === 'queue_timeout'
      ? { timeout: 1 }
      : operation === 'aborted'
        ? { timeout: 1000, signal: AbortSignal.abort() }
        : {};
  await settle(() => bulkhead.execute(() => 'never', { ...options, ...waitOptions }), label(partition));
  for (const holder of holders) holder.release();
  observed.admitted.live = (observed.admitted.live ?? 0) + holders.length;
}

function expectMatches(exported: Exported, bulkhead: PartitionedBulkhead, observed: Observed): void {
  const state = bulkhead.getState();
  const rows: Record<string, PartitionState> = {
    ...state.partitions,
    [UNPARTITIONED_LABEL]: state.unpartitioned,
  };
  const labels = Object.keys(rows);
  for (const field of ['active', 'waiting', 'guaranteed', 'borrowed', 'rejected'] as const) {
    expect(exported.gauges[field]).toEqual(
      Object.fromEntries(labels.map((name) => [name, rows[name]?.[field]])),
    );
  }
  for (const name of labels) {
    const rejections = REJECTION_REASONS.map(
      (reason) => exported.byReason[`${name}/${reason}`] ?? Number.NaN,
    );
    expect(rejections.reduce((sum, value) => sum + value, 0)).toBe(rows[name]?.rejected);
    for (const reason of REJECTION_REASONS) {
      expect(exported.byReason[`${name}/${reason}`]).toBe(observed.byReason[`${name}/${reason}`] ?? 0);
    }
    expect(exported.durationCount[name] ?? 0).toBe(observed.admitted[name] ?? 0);
    expect(exported.waitCount[name] ?? 0).toBe(observed.admitted[name] ?? 0);
  }
}

describe('partition metrics of both exporters equal getState() of a PartitionedBulkhead', () => {
  it('after a mixed run, with calls still running and waiting (property, real prom-client and OTel SDK)', async () => {
    const partition = fc.constantFrom<Partition>('live', 'batch', undefined);
    const operation = fc.constantFrom<Operation>(
      'success',
      'failure',
      'queue_full',
      'queue_timeout',
      'aborted',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(partition, operation), { maxLength: 12 }),
        fc.array(partition, { maxLength: 10 }),
        async (steps, pending) => {
          // 4 permits: live guaranteed 2, batch 1, one spare; at most 4 waiters in all.
          const bulkhead = new PartitionedBulkhead('mixed', {
            maxConcurrent: 4,
            maxQueue: 4,
            partitions: { live: { share: 0.5 }, batch: { share: 0.25 } },
          });
          const registry = new Registry();
          const prometheus = registerBulkheadMetrics({ registry, source: [bulkhead] });
          const sdk = createMetricsSdk();
          const otel = registerBulkheadOtelMetrics({
            meter: sdk.provider.getMeter('test'),
            source: [bulkhead],
          });
          const observed: Observed = { admitted: {}, byReason: {} };
          const held: Array<Promise<unknown>> = [];
          const permits: Permit[] = [];
          try {
            for (const [name, step] of steps) await run(bulkhead, name, step, observed);
            // Leave calls holding permits and waiting, some of them rejected (queue full) right away.
            for (const name of pending) {
              const options = { timeout: 60_000, ...(name === undefined ? {} : { partition: name }) };
              held.push(
                bulkhead.acquire(options).then(
                  (permit) => permits.push(permit),
                  (error: unknown) => {
                    if (isRejection(error)) count(observed.byReason, `${label(name)}/${error.reason}`);
                  },
                ),
              );
            }
            await flush();
            expectMatches(await scrapePrometheus(registry), bulkhead, observed);
            expectMatches(readOtel(await sdk.collect()), bulkhead, observed);
          } finally {
            const closed = bulkhead.close();
            await Promise.allSettled(held);
            for (const permit of permits) permit.release();
            await closed;
            prometheus.unregister();
            otel.unregister();
            await sdk.shutdown();
          }
        },
      ),
      { numRuns: 25 },
    );
    // Real timers (queue_timeout waits 1 ms) and the real SDK: room for a loaded machine, not a speed check.
  }, 30_000);
});
