import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BulkheadRegistryLike } from '@x/bulkhead-core';
import type { ComposedPolicy } from '@x/bulkhead-pro/compose';
import type { GatewayMode } from '../config.js';
import type { GatewayConfig } from './gateway-routes.js';
import { createIsolatedRoutes, type ProRoutesOptions } from './isolated-routes.js';
import { createSharedPool, type SharedPool } from './shared-pool.js';
import { createSharedRoutes } from './shared-routes.js';

/** Options of `createGatewayApp`. */
export interface GatewayAppOptions {
  /** `bulkheads`: one compartment per dependency; `shared`: everything shares the pool and the event loop. */
  mode: GatewayMode;
  /** Origin of the downstream services. */
  downstreamUrl: string;
  /** Sizes and timeouts. */
  config: GatewayConfig;
  /** Where the compartments are registered (for `/bulkheads`, metrics and the dashboard). */
  registry: BulkheadRegistryLike;
  /** PRO compartments and the breaker composer for the `bulkheads` mode. */
  pro?: ProRoutesOptions | undefined;
}

/** The gateway's `/api/*` routes in one mode. */
export interface GatewayApp {
  readonly mode: GatewayMode;
  /** The one undici pool every downstream call goes through (same in both modes). */
  readonly pool: SharedPool;
  /** Composed policies of the routes (PRO payment), empty otherwise. */
  readonly policies: readonly ComposedPolicy[];
  /** Serves `/api/<route>`; returns false when the path is not one of its routes. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Unregisters the compartments, stops the workers and the pool. */
  close(): Promise<void>;
}

/** Builds the gateway routes for one run of the scenario. */
export function createGatewayApp(options: GatewayAppOptions): GatewayApp {
  const pool = createSharedPool(options.downstreamUrl, options.config.poolSize);
  const common = { config: options.config, downstreamUrl: options.downstreamUrl };
  const {
    routes,
    close,
    policies = [],
  } = options.mode === 'bulkheads'
    ? createIsolatedRoutes({
        ...common,
        pool: pool.pool,
        registry: options.registry,
        ...(options.pro === undefined ? {} : { pro: options.pro }),
      })
    : createSharedRoutes({ ...common, dispatcher: pool.pool });
  return {
    mode: options.mode,
    pool,
    policies,
    handle(request, response) {
      const match = /^\/api\/([a-z]+)\/?$/.exec(new URL(request.url ?? '/', 'http://gateway').pathname);
      const route = match?.[1] === undefined ? undefined : routes.get(match[1]);
      if (route === undefined) return false;
      request.resume();
      route(request, response);
      return true;
    },
    async close() {
      await close();
      await pool.pool.destroy();
    },
  };
}
