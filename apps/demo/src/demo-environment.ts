import { BulkheadRegistry } from '@x/bulkhead-core';
import { type DemoConfig, DOWNSTREAM_NAMES, type DownstreamName, type PhaseName } from './config.js';
import { type DownstreamHost, startDownstreamHost } from './downstream/downstream-host.js';
import type { FaultSettings } from './downstream/fault-settings.js';
import { createGatewayApp, type GatewayApp } from './gateway/gateway-app.js';
import { type GatewayServer, startGatewayServer } from './gateway/gateway-server.js';
import type { ProRoutesOptions } from './gateway/isolated-routes.js';

/** The running services of the demo (no load yet). */
export interface DemoEnvironment {
  readonly downstreams: DownstreamHost;
  readonly gateway: GatewayServer;
  /** The private registry holding the current run's compartments. */
  readonly registry: BulkheadRegistry;
  /** Current phase shown by `/bulkheads` and the dashboard. */
  phase: PhaseName | 'idle';
  /** Builds the gateway routes of one mode and serves them; closes the previous app. */
  useMode(mode: GatewayApp['mode']): Promise<GatewayApp>;
  /** Stops everything. */
  close(): Promise<void>;
}

/** Healthy downstream faults from the config. */
export function healthyFaults(config: Pick<DemoConfig, 'baseLatencyMs' | 'jitterMs'>): FaultSettings {
  return { latencyMs: config.baseLatencyMs, jitterMs: config.jitterMs, errorRate: 0 };
}

/**
 * Starts the downstream services and the gateway on loopback, with no routes until `useMode`.
 * With `options.pro`, the `bulkheads` mode takes its compartments from the PRO registry.
 * @throws the gateway's listen error (e.g. `EADDRINUSE` for a taken `config.port`).
 */
export async function startDemoEnvironment(
  config: DemoConfig,
  options: { pro?: ProRoutesOptions | undefined } = {},
): Promise<DemoEnvironment> {
  const downstreams = await startDownstreamHost({ initialFaults: healthyFaults(config) });
  const registry = new BulkheadRegistry();
  let app: GatewayApp | undefined;
  let gateway: GatewayServer;
  try {
    gateway = await startGatewayServer({
      port: config.port,
      registry,
      describe: () => ({
        phase: environment.phase,
        faults: Object.fromEntries(
          DOWNSTREAM_NAMES.map((name: DownstreamName) => [name, downstreams.getFaults(name)]),
        ),
      }),
    });
  } catch (error) {
    await downstreams.close();
    throw error;
  }
  const environment: DemoEnvironment = {
    downstreams,
    registry,
    gateway,
    phase: 'idle',
    async useMode(mode) {
      gateway.setApp(undefined);
      await app?.close();
      app = createGatewayApp({ mode, downstreamUrl: downstreams.url, config, registry, pro: options.pro });
      gateway.setApp(app);
      return app;
    },
    async close() {
      gateway.setApp(undefined);
      await app?.close();
      app = undefined;
      await Promise.all([gateway.close(), downstreams.close()]);
    },
  };
  return environment;
}
