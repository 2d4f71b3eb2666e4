import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import { type Bulkhead, type BulkheadRegistryLike, isRejection, SemaphoreBulkhead } from '@x/bulkhead-core';
import { ServiceTimeEstimator } from '@x/bulkhead-http';
import type { ProBulkheadRegistry } from '@x/bulkhead-pro';
import { type ComposedPolicy, composePolicy } from '@x/bulkhead-pro/compose';
import { DOWNSTREAM_NAMES, type DownstreamName } from '../config.js';
import { composedDownstreamRoute } from './composed-route.js';
import { createCpuCompartment } from './cpu-compartment.js';
import type { GatewayConfig, GatewayRoutes } from './gateway-routes.js';
import { protectRoute, sendRejection } from './protect-route.js';
import { downstreamRoute, sendFailure, sendJson } from './route-responses.js';

/** Options of `createIsolatedRoutes`. */
export interface IsolatedRoutesOptions {
  config: GatewayConfig;
  downstreamUrl: string;
  agent: Agent;
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
 * Routes with bulkheads: one `SemaphoreBulkhead` per downstream (503 + `Retry-After` from
 * `@x/bulkhead-http` on overflow) and a `ThreadPoolBulkhead` for the CPU-heavy route.
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
          agent: options.agent,
          timeoutMs: config.downstreamTimeoutMs,
          policy,
          breakerResetMs: pro.breakerResetMs,
        }),
      );
      continue;
    }
    const handler = downstreamRoute({
      name,
      downstreamUrl: options.downstreamUrl,
      agent: options.agent,
      timeoutMs: config.downstreamTimeoutMs,
    });
    routes.set(name, protectRoute(bulkhead, handler, { queueTimeoutMs: config.queueTimeoutMs }));
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
