import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { ClusterDemoOptions } from './cluster-options.js';
import { startGateways } from './gateway-processes.js';
import { startPaymentService } from './payment-service.js';

/** What one mode of the cluster demo saw. */
export interface ClusterRun {
  readonly mode: 'per-process' | 'redis';
  /** The limit each gateway was given (per process, or the cluster-wide one). */
  readonly limit: number;
  readonly paymentMaxInFlight: number;
  readonly samples: ReadonlyArray<readonly [number, number]>;
  readonly requests: number;
  readonly paid: number;
  /** Rejected fast by the bulkhead (503). */
  readonly shed: number;
  /** Failed at the payment service or timed out (502). */
  readonly failed: number;
  readonly p99Ms: number;
}

/** True when Redis at `url` answers PING within a second. */
export async function redisReachable(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    await client.close();
    return true;
  } catch {
    return false;
  }
}

async function drive(urls: readonly string[], options: ClusterDemoOptions) {
  const latencies: number[] = [];
  let paid = 0;
  let shed = 0;
  let failed = 0;
  const calls: Promise<void>[] = [];
  const tickMs = 20;
  const perTick = (options.rate * tickMs) / 1000;
  let owed = 0;
  let sent = 0;
  const endAt = performance.now() + options.seconds * 1000;
  while (performance.now() < endAt) {
    owed += perTick;
    for (; owed >= 1; owed--) {
      const url = urls[sent++ % urls.length] ?? '';
      const startedAt = performance.now();
      calls.push(
        fetch(url, { signal: AbortSignal.timeout(10_000) })
          .then(async (response) => {
            await response.arrayBuffer();
            if (response.status === 200) paid++;
            else if (response.status === 503) shed++;
            else failed++;
          })
          .catch(() => {
            failed++;
          })
          .finally(() => latencies.push(performance.now() - startedAt)),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await Promise.all(calls);
  latencies.sort((a, b) => a - b);
  const p99Ms = latencies[Math.max(0, Math.ceil(latencies.length * 0.99) - 1)] ?? Number.NaN;
  return { requests: sent, paid, shed, failed, p99Ms };
}

/**
 * Runs the cluster story twice against one payment service: gateways with per-process bulkheads (each may send
 * `capacity` calls: n x capacity in total), then gateways sharing one RedisBulkhead of `capacity`.
 */
export async function runClusterDemo(
  options: ClusterDemoOptions,
  log: (line: string) => void,
): Promise<ClusterRun[]> {
  const payment = await startPaymentService({
    capacity: options.paymentCapacity,
    latencyMs: options.paymentLatencyMs,
  });
  const runs: ClusterRun[] = [];
  try {
    for (const mode of ['per-process', 'redis'] as const) {
      const keyPrefix = `demo-cluster:${randomUUID()}:`;
      const gateways = await startGateways(options.gateways, {
        mode,
        paymentUrl: payment.url,
        redisUrl: options.redisUrl,
        keyPrefix,
        maxConcurrent: options.paymentCapacity,
      });
      log(`${mode}: ${options.gateways} gateways, ${options.rate} req/s for ${options.seconds} s ...`);
      await payment.whenIdle();
      payment.resetObservation();
      try {
        const result = await drive(gateways.urls, options);
        runs.push({
          mode,
          limit: options.paymentCapacity,
          paymentMaxInFlight: payment.maxInFlight,
          samples: [...payment.samples],
          ...result,
        });
      } finally {
        await gateways.stop();
        if (mode === 'redis') await deleteKeys(options.redisUrl, keyPrefix);
      }
    }
  } finally {
    await payment.close();
  }
  return runs;
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(keys);
  await client.close();
}
