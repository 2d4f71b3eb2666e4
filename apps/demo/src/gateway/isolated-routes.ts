import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import { type BulkheadRegistryLike, isRejection, SemaphoreBulkhead } from '@x/bulkhead-core';
import { ServiceTimeEstimator } from '@x/bulkhead-http';
import { DOWNSTREAM_NAMES, type DownstreamName } from '../config.js';
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
}

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
  const routes = new Map<string, (request: IncomingMessage, response: ServerResponse) => void>();
  const semaphores: SemaphoreBulkhead[] = [];
  for (const name of DOWNSTREAM_NAMES) {
    const bulkhead = new SemaphoreBulkhead(name, { maxConcurrent: sizes[name], maxQueue: config.queueSize });
    semaphores.push(bulkhead);
    registry.register(bulkhead);
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
    async close() {
      for (const bulkhead of [...semaphores, cpu.bulkhead]) registry.unregister(bulkhead.name);
      await Promise.all([...semaphores.map((bulkhead) => bulkhead.close()), cpu.close()]);
    },
  };
}
