import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Bulkhead, type BulkheadRegistryLike, isRejection, SemaphoreBulkhead } from '@x/bulkhead-core';
import { ServiceTimeEstimator } from '@x/bulkhead-http';
import { bulkheadInterceptor } from '@x/bulkhead-http/undici';
import type { ProBulkheadRegistry } from '@x/bulkhead-pro';
import { type ComposedPolicy, composePolicy } from '@x/bulkhead-pro/compose';
import type { Dispatcher, Pool } from 'undici';
import { DOWNSTREAM_NAMES, type DownstreamName } from '../config.js';
import { composedDownstreamRoute } from './composed-route.js';
import { createCpuCompartment } from './cpu-compartment.js';
import type { GatewayConfig, GatewayRoutes } from './gateway-routes.js';
import { sendRejection } from './protect-route.js';
import { downstreamRoute, sendFailure, sendJson } from './route-responses.js';

/** Options of `createIsolatedRoutes`. */
export interface IsolatedRoutesOptions {
  config: GatewayConfig;
  downstreamUrl: string;
  /** The shared pool; downstream calls go through it composed with the bulkhead interceptor. */
  pool: Pool;
  /** Receives the four compartments. */
  registry: BulkheadRegistryLike;
  /**
   * PRO: the downstream compartments come from this registry (its settings file), the CPU pool is
   * registered in it too (drain, admin API), and payment runs through the breaker composer.
   */
  pro?: ProRoutesOptions;
}

/** The PRO side of `createIsolatedRoutes`. */
export interface ProRoutesOptions {
  /** The PRO registry `init()` installed. */
  registry: ProBulkheadRegistry;
  /** How long the payment breaker stays open before a half-open trial, ms. */
  breakerResetMs: number;
}

/** Breaker settings of the payment policy: opens when half the calls of the last 5 s failed (10 at least). */
export const PAYMENT_BREAKER = Object.freeze({
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  rollingCountTimeout: 5_000,
  rollingCountBuckets: 10,
});

/**
 * Routes with bulkheads: one `SemaphoreBulkhead` per downstream, taken by `@x/bulkhead-http/undici`'s interceptor
 * for each downstream call and held until its body is read (503 + `Retry-After` on overflow), and a
 * `ThreadPoolBulkhead` for the CPU-heavy route. PRO's payment route runs through the breaker composer instead,
 * which holds the payment permit itself.
 */
export function createIsolatedRoutes(options: IsolatedRoutesOptions): GatewayRoutes {
  const { config, registry } = options;
  const sizes: Record<DownstreamName, number> = {
    payment: config.paymentSize,
    user: config.userSize,
    inventory: config.inventorySize,
  };
  const { pro } = options;
  const routes = new Map<string, (request: IncomingMessage, response: ServerResponse) => void>();
  const compartments: Bulkhead[] = [];
  const policies: ComposedPolicy[] = [];
  // Downstream path -> the compartment its calls take in the interceptor (none for a composed route).
  const guarded = new Map<string, Bulkhead>();
  const dispatcher: Dispatcher = options.pool.compose(
    bulkheadInterceptor({
      bulkheadFor: (_origin, request) => guarded.get(request.path),
      timeout: config.queueTimeoutMs,
    }),
  );
  for (const name of DOWNSTREAM_NAMES) {
    // PRO: sized by the registry's settings file; OSS: built here from the knobs.
    const bulkhead =
      pro === undefined
        ? new SemaphoreBulkhead(name, { maxConcurrent: sizes[name], maxQueue: config.queueSize })
        : pro.registry.getOrCreate(name);
    compartments.push(bulkhead);
    registry.register(bulkhead);
    if (pro !== undefined && name === 'payment') {
      const policy = composePolicy({
        bulkhead,
        timeout: config.downstreamTimeoutMs,
        waitTimeout: config.queueTimeoutMs,
        breaker: { ...PAYMENT_BREAKER, resetTimeout: pro.breakerResetMs },
      });
      policies.push(policy);
      routes.set(
        name,
        composedDownstreamRoute({
          name,
          downstreamUrl: options.downstreamUrl,
          dispatcher,
          timeoutMs: config.downstreamTimeoutMs,
          policy,
          breakerResetMs: pro.breakerResetMs,
        }),
      );
      continue;
    }
    guarded.set(`/${name}`, bulkhead);
    const serviceTime = new ServiceTimeEstimator();
    bulkhead.on('finished', (event) => serviceTime.record(event.duration));
    const handler = downstreamRoute({
      name,
      downstreamUrl: options.downstreamUrl,
      dispatcher,
      timeoutMs: config.downstreamTimeoutMs,
      onRejection: (response, error, url) =>
        sendRejection(response, {
          bulkhead,
          reason: error.reason,
          serviceTimeMs: serviceTime.estimate ?? 1000,
          url,
        }),
    });
    routes.set(name, (request, response) => {
      // A client that leaves takes its call out of the compartment's queue (or ends it).
      const controller = new AbortController();
      response.on('close', () => {
        if (!response.writableFinished) controller.abort();
      });
      void handler(request, response, { signal: controller.signal });
    });
  }

  const cpu = createCpuCompartment({
    name: 'cpu',
    maxWorkers: config.cpuWorkers,
    queueSize: config.queueSize,
    timeoutMs: config.downstreamTimeoutMs,
  });
  registry.register(cpu.bulkhead);
  pro?.registry.register(cpu.bulkhead);
  const serviceTime = new ServiceTimeEstimator();
  cpu.bulkhead.on('finished', (event) => serviceTime.record(event.duration));
  routes.set('cpu', (request, response) => {
    cpu.run({ iterations: config.cpuIterations }).then(
      (result) => sendJson(response, 200, { route: 'cpu', result }),
      (error: unknown) => {
        if (!isRejection(error)) return sendFailure(response, error);
        sendRejection(response, {
          bulkhead: cpu.bulkhead,
          reason: error.reason,
          serviceTimeMs: serviceTime.estimate ?? 1000,
          url: request.url,
        });
      },
    );
  });

  return {
    routes,
    policies,
    async close() {
      for (const policy of policies) policy.shutdown();
      for (const bulkhead of [...compartments, cpu.bulkhead]) {
        registry.unregister(bulkhead.name);
        pro?.registry.unregister(bulkhead.name);
      }
      await Promise.all([...compartments.map(closeCompartment), cpu.close()]);
    },
  };
}

function closeCompartment(bulkhead: Bulkhead): Promise<void> {
  const closable = bulkhead as Bulkhead & { close?: () => Promise<void> };
  return typeof closable.close === 'function' ? closable.close() : Promise.resolve();
}
