import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import { type BulkheadRegistryLike, isRejection, SemaphoreBulkhead } from '@x/bulkhead-core';
import { type ProtectedRequestHandler, ServiceTimeEstimator } from '@x/bulkhead-http';
import { DOWNSTREAM_NAMES, type DemoConfig, type DownstreamName, type GatewayMode } from '../config.js';
import { type CpuCompartment, createCpuCompartment } from './cpu-compartment.js';
import { runCpuTask } from './cpu-task.mjs';
import { callDownstream, DownstreamTimeoutError } from './downstream-client.js';
import { protectRoute, sendRejection } from './protect-route.js';
import { createSharedAgent } from './shared-pool.js';

/** The knobs the gateway reads. */
export type GatewayConfig = Pick<
  DemoConfig,
  | 'paymentSize'
  | 'userSize'
  | 'inventorySize'
  | 'queueSize'
  | 'queueTimeoutMs'
  | 'cpuWorkers'
  | 'cpuIterations'
  | 'poolSize'
  | 'downstreamTimeoutMs'
>;

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
}

/** The gateway's `/api/*` routes in one mode. */
export interface GatewayApp {
  readonly mode: GatewayMode;
  /** The one keep-alive agent every downstream call goes through. */
  readonly agent: Agent;
  /** Serves `/api/<route>`; returns false when the path is not one of its routes. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Unregisters the compartments, stops the workers and the pool. */
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendFailure(response: ServerResponse, error: unknown): void {
  if (error instanceof DownstreamTimeoutError) sendJson(response, 504, { error: error.message });
  else sendJson(response, 502, { error: error instanceof Error ? error.message : String(error) });
}

/** Builds the gateway routes for one run of the scenario. */
export function createGatewayApp(options: GatewayAppOptions): GatewayApp {
  const { config, mode, registry } = options;
  const agent = createSharedAgent(config.poolSize);
  const sizes: Record<DownstreamName, number> = {
    payment: config.paymentSize,
    user: config.userSize,
    inventory: config.inventorySize,
  };

  const downstreamHandler =
    (name: DownstreamName): ProtectedRequestHandler =>
    async (_request, response, { signal }) => {
      try {
        const answer = await callDownstream({
          agent,
          url: `${options.downstreamUrl}/${name}`,
          timeoutMs: config.downstreamTimeoutMs,
          signal,
        });
        if (answer.status === 200) sendJson(response, 200, { route: name, downstream: JSON.parse(answer.body) });
        else sendJson(response, 502, { error: `${name} answered ${answer.status}` });
      } catch (error) {
        sendFailure(response, error);
      }
    };

  const routes = new Map<string, (request: IncomingMessage, response: ServerResponse) => void>();
  let cpu: CpuCompartment | undefined;
  if (mode === 'bulkheads') {
    for (const name of DOWNSTREAM_NAMES) {
      const bulkhead = new SemaphoreBulkhead(name, { maxConcurrent: sizes[name], maxQueue: config.queueSize });
      registry.register(bulkhead);
      routes.set(
        name,
        protectRoute(bulkhead, downstreamHandler(name), { queueTimeoutMs: config.queueTimeoutMs }),
      );
    }
    const compartment = createCpuCompartment({
      name: 'cpu',
      maxWorkers: config.cpuWorkers,
      queueSize: config.queueSize,
      timeoutMs: config.downstreamTimeoutMs,
    });
    cpu = compartment;
    registry.register(compartment.bulkhead);
    const serviceTime = new ServiceTimeEstimator();
    compartment.bulkhead.on('finished', (event) => serviceTime.record(event.duration));
    routes.set('cpu', (request, response) => {
      compartment.run({ iterations: config.cpuIterations }).then(
        (result) => sendJson(response, 200, { route: 'cpu', result }),
        (error: unknown) => {
          if (!isRejection(error)) return sendFailure(response, error);
          sendRejection(response, {
            bulkhead: compartment.bulkhead,
            reason: error.reason,
            serviceTimeMs: serviceTime.estimate ?? 1000,
            url: request.url,
          });
        },
      );
    });
  } else {
    for (const name of DOWNSTREAM_NAMES) {
      const handler = downstreamHandler(name);
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
  }

  return {
    mode,
    agent,
    handle(request, response) {
      const match = /^\/api\/([a-z]+)\/?$/.exec(new URL(request.url ?? '/', 'http://gateway').pathname);
      const route = match?.[1] === undefined ? undefined : routes.get(match[1]);
      if (route === undefined) return false;
      request.resume();
      route(request, response);
      return true;
    },
    async close() {
      for (const name of [...DOWNSTREAM_NAMES, 'cpu']) {
        if (registry.has(name)) {
          const bulkhead = registry.get(name);
          registry.unregister(name);
          if (bulkhead instanceof SemaphoreBulkhead) void bulkhead.close();
        }
      }
      await cpu?.close();
      agent.destroy();
    },
  };
}
