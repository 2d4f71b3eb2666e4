import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BulkheadRegistryLike, BulkheadState } from '@x/bulkhead-core';
import { FAVICON_SVG, renderDashboardPage } from '../dashboard/dashboard-page.js';
import type { GatewayApp } from './gateway-app.js';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
import { type PoolState, readPoolState } from './shared-pool.js';

/** What `/bulkheads` answers. */
export interface GatewayStatus {
  /** `bulkheads`, `shared`, or `idle` between runs. */
  readonly mode: string;
  /** Current scenario phase, or `idle`. */
  readonly phase: string;
  /** Every registered compartment. */
  readonly compartments: readonly BulkheadState[];
  /** The outgoing connection pool, while a run is active. */
  readonly pool: PoolState | null;
  /** Breakers of composed routes (PRO payment): name and state. */
  readonly breakers: readonly { readonly policy: string; readonly state: string }[];
  /** Whatever the orchestrator adds (downstream faults). */
  readonly [extra: string]: unknown;
}

/** Options of `startGatewayServer`. */
export interface GatewayServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** The compartments `/bulkheads` and `/metrics` report. */
  registry: BulkheadRegistryLike;
  /** Extra fields of `/bulkheads` (phase, faults). */
  describe?: () => { phase: string; [extra: string]: unknown };
}

/** The gateway's HTTP server; its `/api/*` routes come from the current `GatewayApp`. */
export interface GatewayServer {
  /** e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly metrics: GatewayMetrics;
  /** Swaps the routes (one app per run); `undefined` answers 503 on `/api/*`. */
  setApp(app: GatewayApp | undefined): void;
  /** The `/bulkheads` document. */
  status(): GatewayStatus;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(body);
}

/**
 * Starts the gateway on loopback: `/api/<route>`, `/metrics` (Prometheus text), `/bulkheads`
 * (states JSON) and `/dashboard` (live page).
 * @throws the listen error (e.g. `EADDRINUSE`) when the port is taken.
 */
export async function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  let app: GatewayApp | undefined;
  const metrics = createGatewayMetrics({
    source: options.registry,
    readPool: () =>
      app === undefined
        ? { maxSockets: 0, activeSockets: 0, freeSockets: 0, queuedRequests: 0 }
        : readPoolState(app.pool),
  });
  const status = (): GatewayStatus => {
    const extra = options.describe?.() ?? { phase: 'idle' };
    return {
      ...extra,
      mode: app?.mode ?? 'idle',
      compartments: Object.values(options.registry.getAllStates()),
      pool: app === undefined ? null : readPoolState(app.pool),
      breakers: (app?.policies ?? []).map((policy) => ({
        policy: policy.name,
        state: policy.getStatus().breaker?.state ?? 'disabled',
      })),
    };
  };
  const dashboard = renderDashboardPage();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path.startsWith('/api/')) {
      if (app?.handle(request, response) !== true) {
        send(response, app === undefined ? 503 : 404, 'application/json', '{"error":"no such route"}');
      }
      return;
    }
    request.resume();
    if (path === '/bulkheads') return send(response, 200, 'application/json', JSON.stringify(status()));
    if (path === '/dashboard' || path === '/')
      return send(response, 200, 'text/html; charset=utf-8', dashboard);
    if (path === '/favicon.ico' || path === '/favicon.svg') {
      return send(response, 200, 'image/svg+xml', FAVICON_SVG); // browsers ask for it whatever the page says
    }
    if (path === '/metrics') {
      metrics
        .render()
        .then((text) => send(response, 200, metrics.contentType, text))
        .catch((error: unknown) => send(response, 500, 'text/plain', String(error)));
      return;
    }
    send(response, 404, 'application/json', '{"error":"not found"}');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    metrics,
    setApp(next) {
      app = next;
    },
    status,
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
