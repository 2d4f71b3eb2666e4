import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DOWNSTREAM_NAMES, type DownstreamName } from '../config.js';
import { type FaultSettings, mergeFaultSettings } from './fault-settings.js';

/** Options of `startDownstreamHost`. */
export interface DownstreamHostOptions {
  /** Initial faults of every service. */
  initialFaults: FaultSettings;
  /** Source of randomness in [0, 1); `Math.random` by default. */
  random?: () => number;
}

/** The running downstream services. */
export interface DownstreamHost {
  /** Base URL of the shared origin, e.g. `http://127.0.0.1:40123`; services live under `/<name>`. */
  readonly url: string;
  /** Current faults of a service. */
  getFaults(service: DownstreamName): FaultSettings;
  /** Changes a service's faults at run time (also `PUT /_faults/<name>` with a JSON body). */
  setFaults(service: DownstreamName, update: Partial<FaultSettings>): FaultSettings;
  /** Requests received and not yet answered, per service. */
  pendingCount(service: DownstreamName): number;
  /** Stops listening and drops every pending request. */
  close(): Promise<void>;
}

function isDownstreamName(value: string): value is DownstreamName {
  return (DOWNSTREAM_NAMES as readonly string[]).includes(value);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Starts the payment, user and inventory services on one loopback origin (as behind an internal
 * ingress): `GET /<name>/...` answers after the service's latency, or fails with its error rate.
 */
export async function startDownstreamHost(options: DownstreamHostOptions): Promise<DownstreamHost> {
  const random = options.random ?? Math.random;
  const faults = new Map<DownstreamName, FaultSettings>(
    DOWNSTREAM_NAMES.map((name) => [name, mergeFaultSettings(options.initialFaults, {})]),
  );
  const pending = new Map<DownstreamName, Set<NodeJS.Timeout>>(
    DOWNSTREAM_NAMES.map((name) => [name, new Set()]),
  );

  const faultsOf = (service: DownstreamName): FaultSettings => faults.get(service) as FaultSettings;

  const answer = (service: DownstreamName, response: ServerResponse): void => {
    const settings = faultsOf(service);
    const delay = settings.latencyMs + random() * settings.jitterMs;
    const failed = random() < settings.errorRate;
    const timers = pending.get(service) as Set<NodeJS.Timeout>;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (failed) sendJson(response, 500, { service, error: 'injected failure' });
      else sendJson(response, 200, { service, ok: true, servedAt: Date.now() });
    }, delay);
    timers.add(timer);
    response.on('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://downstream');
    const [first, second] = url.pathname.split('/').filter((part) => part.length > 0);
    if (first === '_faults' && second !== undefined && isDownstreamName(second)) {
      if (request.method === 'GET') return sendJson(response, 200, faultsOf(second));
      readBody(request)
        .then((text) =>
          sendJson(response, 200, host.setFaults(second, JSON.parse(text) as Partial<FaultSettings>)),
        )
        .catch((error: unknown) => sendJson(response, 400, { error: String(error) }));
      return;
    }
    if (first !== undefined && isDownstreamName(first)) {
      answer(first, response);
      request.resume();
      return;
    }
    sendJson(response, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const host: DownstreamHost = {
    url: `http://127.0.0.1:${port}`,
    getFaults: (service) => ({ ...faultsOf(service) }),
    setFaults(service, update) {
      const next = mergeFaultSettings(faultsOf(service), update);
      faults.set(service, next);
      return { ...next };
    },
    pendingCount: (service) => pending.get(service)?.size ?? 0,
    close() {
      for (const timers of pending.values()) {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
      }
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return host;
}
