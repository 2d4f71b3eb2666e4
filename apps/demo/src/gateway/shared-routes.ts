import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { DOWNSTREAM_NAMES } from '../config.js';
import { runCpuTask } from './cpu-task.mjs';
import type { GatewayConfig, GatewayRoutes } from './gateway-routes.js';
import { downstreamRoute, sendJson } from './route-responses.js';

/** Options of `createSharedRoutes`. */
export interface SharedRoutesOptions {
  config: GatewayConfig;
  downstreamUrl: string;
  /** The shared pool itself: no bulkhead anywhere. */
  dispatcher: Dispatcher;
}

/**
 * Routes without bulkheads, as most services are written: every downstream call goes straight to
 * the shared pool, and the CPU-heavy work runs on the event loop.
 */
export function createSharedRoutes(options: SharedRoutesOptions): GatewayRoutes {
  const { config } = options;
  const routes = new Map<string, (request: IncomingMessage, response: ServerResponse) => void>();
  for (const name of DOWNSTREAM_NAMES) {
    const handler = downstreamRoute({
      name,
      downstreamUrl: options.downstreamUrl,
      dispatcher: options.dispatcher,
      timeoutMs: config.downstreamTimeoutMs,
    });
    routes.set(name, (request, response) => {
      const controller = new AbortController();
      response.on('close', () => {
        if (!response.writableFinished) controller.abort();
      });
      void handler(request, response, { signal: controller.signal });
    });
  }
  routes.set('cpu', (_request, response) => {
    sendJson(response, 200, { route: 'cpu', result: runCpuTask({ iterations: config.cpuIterations }) });
  });
  return { routes, close: () => Promise.resolve() };
}
