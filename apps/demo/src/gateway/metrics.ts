import type { BulkheadRegistryLike } from '@x/bulkhead-core';
import { type BulkheadMetrics, registerBulkheadMetrics } from '@x/bulkhead-otel/prometheus';
import { Gauge, Registry } from 'prom-client';
import type { PoolState } from './shared-pool.js';

/** Options of `createGatewayMetrics`. */
export interface GatewayMetricsOptions {
  /** The compartments to export. */
  source: BulkheadRegistryLike;
  /** Reads the outgoing connection pool. */
  readPool: () => PoolState;
}

/** The gateway's Prometheus endpoint, on a private `prom-client` registry. */
export interface GatewayMetrics {
  /** The private registry (never the global one). */
  readonly registry: Registry;
  /** The bulkhead metrics handle (unregister on shutdown). */
  readonly bulkheadMetrics: BulkheadMetrics;
  /** `Content-Type` of `render()`. */
  readonly contentType: string;
  /** Prometheus text exposition of every metric. */
  render(): Promise<string>;
}

/**
 * Builds `/metrics`: bulkhead metrics from `@x/bulkhead-otel/prometheus` plus the demo's own
 * gauges of the shared connection pool.
 */
export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const registry = new Registry();
  const bulkheadMetrics = registerBulkheadMetrics({ registry, source: options.source });
  const pool = (help: string, read: (state: PoolState) => number, name: string): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(options.readPool()));
      },
    });
  };
  pool(
    'Connections of the shared undici pool carrying a request.',
    (s) => s.activeSockets,
    'demo_pool_active_sockets',
  );
  pool(
    'Requests waiting for a socket of the shared pool.',
    (s) => s.queuedRequests,
    'demo_pool_queued_requests',
  );
  pool('Bound on connections of the shared pool.', (s) => s.maxSockets, 'demo_pool_max_sockets');
  return {
    registry,
    bulkheadMetrics,
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
