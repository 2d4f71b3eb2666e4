import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRejection, type PolicyFailure } from '@x/bulkhead-core';
import { estimateRetryAfterSeconds, PROBLEM_CONTENT_TYPE, ServiceTimeEstimator } from '@x/bulkhead-http';
import type { ComposedPolicy } from '@x/bulkhead-pro/compose';
import type { Dispatcher } from 'undici';
import type { DownstreamName } from '../config.js';
import { callDownstream, DownstreamStatusError, DownstreamTimeoutError } from './downstream-client.js';

/** Response header naming how a composed call ended when it did not succeed (the load generator reads it). */
export const OUTCOME_HEADER = 'bulkhead-outcome';

/** One HTTP answer, decided before it is written. */
export interface RouteAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Options of `composedDownstreamRoute`. */
export interface ComposedRouteOptions {
  /** The downstream service the route calls. */
  name: DownstreamName;
  /** Origin of the downstream services. */
  downstreamUrl: string;
  /** The dispatcher downstream calls go through (the shared pool, composed with the bulkhead interceptor or not). */
  dispatcher: Dispatcher;
  /** Deadline of one downstream call, pool wait included, in ms (a backstop: the policy's timeout is the same). */
  timeoutMs: number;
  /** Bulkhead + breaker + timeout from `@x/bulkhead-pro/compose`. */
  policy: ComposedPolicy;
  /** How long the breaker stays open, ms: the `Retry-After` of a short-circuited call. */
  breakerResetMs: number;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): RouteAnswer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function problem(options: {
  compartment: string;
  reason: string;
  detail: string;
  retryAfter: number;
  outcome: string;
  url: string | undefined;
}): RouteAnswer {
  return {
    status: 503,
    headers: {
      'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
      'retry-after': String(options.retryAfter),
      'cache-control': 'no-store',
      [OUTCOME_HEADER]: options.outcome,
    },
    body: JSON.stringify({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: options.detail,
      ...(options.url === undefined ? {} : { instance: options.url.split('?')[0] }),
      compartment: options.compartment,
      reason: options.reason,
      retryAfter: options.retryAfter,
    }),
  };
}

function write(response: ServerResponse, answer: RouteAnswer): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  response.end(answer.body);
}

/**
 * `/api/<name>` through the composer: breaker verdict, then a permit of the compartment (waiting up
 * to the policy's `waitTimeout`), then the downstream call under the policy's timeout. The call's
 * fallback decides the degraded answer of every non-success: `503` + `Retry-After` for a bulkhead
 * rejection (`bulkhead-outcome: rejected`) and for an open breaker (`short_circuited`, retry after
 * the breaker's reset time), `504` for a timeout, `502` for a failure.
 */
export function composedDownstreamRoute(
  options: ComposedRouteOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { policy } = options;
  const url = `${options.downstreamUrl}/${options.name}`;
  const compartment = policy.bulkhead.name;
  const serviceTime = new ServiceTimeEstimator();
  policy.bulkhead.on('finished', (event) => serviceTime.record(event.duration));

  const degraded = (failure: PolicyFailure, requestUrl: string | undefined): RouteAnswer => {
    const { error } = failure;
    switch (failure.outcome) {
      case 'rejected': {
        const state = policy.bulkhead.getState();
        const retryAfter = estimateRetryAfterSeconds({
          serviceTime: serviceTime.estimate ?? 1000,
          waitingCount: state.waitingCount,
          maxConcurrent: state.maxConcurrent,
          minSeconds: 1,
          maxSeconds: 60,
        });
        const reason = isRejection(error) ? error.reason : 'queue_full';
        return problem({
          compartment,
          reason,
          detail: `Compartment '${compartment}' is at capacity; retry after ${retryAfter} s.`,
          retryAfter,
          outcome: 'rejected',
          url: requestUrl,
        });
      }
      case 'short_circuited': {
        const retryAfter = Math.max(1, Math.ceil(options.breakerResetMs / 1000));
        return problem({
          compartment,
          reason: 'circuit_open',
          detail: `The circuit breaker of '${compartment}' is open; retry after ${retryAfter} s.`,
          retryAfter,
          outcome: 'short_circuited',
          url: requestUrl,
        });
      }
      case 'timeout':
        return json(
          504,
          { error: `${options.name} did not answer in time` },
          { [OUTCOME_HEADER]: 'timeout' },
        );
      default:
        return error instanceof DownstreamTimeoutError
          ? json(504, { error: error.message }, { [OUTCOME_HEADER]: 'timeout' })
          : json(
              502,
              { error: error instanceof Error ? error.message : String(error) },
              { [OUTCOME_HEADER]: 'failure' },
            );
    }
  };

  return (request, response) => {
    const controller = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) controller.abort();
    });
    void policy
      .execute<RouteAnswer>(
        async ({ signal }) => {
          const answer = await callDownstream({
            dispatcher: options.dispatcher,
            url,
            timeoutMs: options.timeoutMs,
            signal,
          });
          if (answer.status !== 200) {
            throw new DownstreamStatusError(url, answer.status); // a breaker failure
          }
          return json(200, { route: options.name, downstream: JSON.parse(answer.body) });
        },
        { signal: controller.signal, fallback: (failure) => degraded(failure, request.url) },
      )
      .then(
        (result) =>
          write(
            response,
            result.outcome === 'success' ? result.value : (result.fallback?.value ?? json(502, {})),
          ),
        (error: unknown) =>
          write(response, json(500, { error: error instanceof Error ? error.message : String(error) })),
      );
  };
}
