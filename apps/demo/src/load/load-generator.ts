import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RouteName } from '../config.js';
import type { RequestOutcome, RequestSample } from './request-sample.js';

/** Open-loop load on one route: a constant request rate, whatever the latency. */
export interface RouteLoad {
  readonly route: RouteName;
  /** Requests per second. */
  readonly rate: number;
}

/** Options of `runLoad`. */
export interface LoadOptions {
  /** Gateway base URL; must be loopback (127.0.0.1, localhost or [::1]). */
  baseUrl: string;
  /** Routes and their rates. */
  routes: readonly RouteLoad[];
  /** How long to send, in ms; the run then waits for the requests in flight. */
  durationMs: number;
  /** Hard bound on requests sent in this run. */
  maxRequests: number;
  /** A request without a full answer after this many ms counts as `timeout`. */
  timeoutMs: number;
  /** Stops sending early. */
  signal?: AbortSignal;
  /** Called with every sample as its request settles (live progress). */
  onSample?: (sample: RequestSample) => void;
  /** Actions run once the run's clock reaches `atMs` (phase changes), in order. */
  schedule?: readonly ScheduledAction[];
  /** Arms each request's `timeoutMs` deadline; default `setTimeout` (tests fire deadlines themselves). */
  requestTimer?: RequestTimer;
}

/** Arms a request's deadline and returns its disarm function. */
export type RequestTimer = (onTimeout: () => void, timeoutMs: number) => () => void;

/** The default request timer: a real `setTimeout`. */
export const realRequestTimer: RequestTimer = (onTimeout, timeoutMs) => {
  const timer = setTimeout(onTimeout, timeoutMs);
  return () => clearTimeout(timer);
};

/** Something to do at a point of the run (e.g. make payment hang). */
export interface ScheduledAction {
  /** Milliseconds since the run started. */
  readonly atMs: number;
  readonly run: () => void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Validates that `baseUrl` points at this machine.
 * @throws {RangeError} naming `options.baseUrl` when it is not a loopback http URL.
 */
export function assertLoopback(baseUrl: string): URL {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new RangeError(`options.baseUrl must be a loopback http URL, got ${baseUrl}`);
  }
  return url;
}

function validate(options: LoadOptions): void {
  assertLoopback(options.baseUrl);
  for (const key of ['durationMs', 'maxRequests', 'timeoutMs'] as const) {
    const value = options[key];
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`options.${key} must be a finite number > 0, got ${String(value)}`);
    }
  }
  for (const load of options.routes) {
    if (!Number.isFinite(load.rate) || load.rate < 0) {
      throw new RangeError(
        `options.routes[${load.route}].rate must be a finite number >= 0, got ${load.rate}`,
      );
    }
  }
}

/**
 * Sends requests at a constant rate per route (open loop, like real users: a slow answer does not
 * slow the arrivals), each route through its own keep-alive agent, and resolves with one sample per
 * request once every request settled. Bounded by `durationMs`, `maxRequests` and `timeoutMs`.
 * @throws {RangeError} for invalid options (the message names the option).
 */
export async function runLoad(options: LoadOptions): Promise<RequestSample[]> {
  validate(options);
  const samples: RequestSample[] = [];
  const agents = new Map(
    options.routes.map((load) => [
      load.route,
      new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }),
    ]),
  );
  const sentPerRoute = new Map<RouteName, number>(options.routes.map((load) => [load.route, 0]));
  const inFlight = new Set<Promise<void>>();
  let total = 0;
  const startedAt = performance.now();
  const requestTimer = options.requestTimer ?? realRequestTimer;

  const send = (route: RouteName): void => {
    const sentAt = performance.now() - startedAt;
    const done = new Promise<void>((resolve) => {
      let settled = false;
      const finish = (outcome: RequestOutcome, status: number): void => {
        if (settled) return;
        settled = true;
        const sample: RequestSample = {
          route,
          sentAt,
          latencyMs: performance.now() - startedAt - sentAt,
          outcome,
          status,
        };
        samples.push(sample);
        options.onSample?.(sample);
        resolve();
      };
      const outgoing = httpRequest(
        `${options.baseUrl}/api/${route}`,
        { agent: agents.get(route) },
        (incoming) => {
          const status = incoming.statusCode ?? 0;
          incoming.resume();
          incoming.on('end', () => {
            if (status >= 200 && status < 300) finish('ok', status);
            else if (status === 503 && incoming.headers['retry-after'] !== undefined)
              finish(
                incoming.headers['bulkhead-outcome'] === 'short_circuited' ? 'short_circuited' : 'rejected',
                status,
              );
            else finish('error', status);
          });
          incoming.on('error', () => finish('error', status));
        },
      );
      const disarm = requestTimer(() => {
        finish('timeout', 0);
        outgoing.destroy();
      }, options.timeoutMs);
      outgoing.on('error', () => finish('error', 0));
      outgoing.on('close', () => {
        disarm();
        finish('error', 0); // no-op after 'end': only a request closed without any verdict lands here
      });
      outgoing.end();
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const pendingActions = [...(options.schedule ?? [])].sort((left, right) => left.atMs - right.atMs);
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - startedAt;
      while (pendingActions.length > 0 && (pendingActions[0]?.atMs ?? 0) <= elapsed)
        pendingActions.shift()?.run();
      const end =
        elapsed >= options.durationMs || total >= options.maxRequests || options.signal?.aborted === true;
      if (!end) {
        // Catch up round-robin: after a stall every route gets its due requests in turn, so a
        // request bound never goes to the first routes only.
        let sentAny = true;
        while (sentAny && total < options.maxRequests) {
          sentAny = false;
          for (const load of options.routes) {
            const sent = sentPerRoute.get(load.route) ?? 0;
            if (sent >= Math.floor((elapsed * load.rate) / 1000) || total >= options.maxRequests) continue;
            send(load.route);
            sentPerRoute.set(load.route, sent + 1);
            total++;
            sentAny = true;
          }
        }
        return;
      }
      clearInterval(interval);
      resolve();
    };
    const interval = setInterval(tick, 5);
    tick();
  });
  await Promise.all(inFlight);
  for (const agent of agents.values()) agent.destroy();
  return samples.sort((left, right) => left.sentAt - right.sentAt);
}
