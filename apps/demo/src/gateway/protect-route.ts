import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bulkhead, RejectionReason } from '@x/bulkhead-core';
import {
  createProblemDetails,
  estimateRetryAfterSeconds,
  PROBLEM_CONTENT_TYPE,
  type ProtectedRequestHandler,
  withBulkhead,
} from '@x/bulkhead-http';

/** Options of `protectRoute`. */
export interface ProtectRouteOptions {
  /** How long a request may wait for a permit before its 503, in ms. */
  queueTimeoutMs: number;
}

/**
 * Runs `handler` inside `bulkhead` with `withBulkhead` from `@x/bulkhead-http`: a request the
 * compartment refuses gets a fast `503 application/problem+json` with `Retry-After`.
 */
export function protectRoute(
  bulkhead: Bulkhead,
  handler: ProtectedRequestHandler,
  options: ProtectRouteOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  return withBulkhead(handler, { bulkhead, waitTimeout: options.queueTimeoutMs });
}

/** What `sendRejection` tells the client. */
export interface RejectionDetails {
  /** The compartment that refused the request. */
  bulkhead: Bulkhead;
  /** Why it refused. */
  reason: RejectionReason;
  /** Recent mean service time of the compartment, ms (drives `Retry-After`). */
  serviceTimeMs: number;
  /** The request URL (its path goes in the problem document). */
  url: string | undefined;
}

/**
 * Answers `503 application/problem+json` with `Retry-After` for a call refused inside a handler
 * (the CPU route calls its thread pool directly); no-op once headers are sent.
 */
export function sendRejection(response: ServerResponse, details: RejectionDetails): void {
  if (response.headersSent || response.destroyed) return;
  const state = details.bulkhead.getState();
  const retryAfter = estimateRetryAfterSeconds({
    serviceTime: details.serviceTimeMs,
    waitingCount: state.waitingCount,
    maxConcurrent: state.maxConcurrent,
    minSeconds: 1,
    maxSeconds: 60,
  });
  const problem = createProblemDetails({
    type: 'about:blank',
    compartment: details.bulkhead.name,
    reason: details.reason,
    retryAfter,
    url: details.url,
  });
  const body = JSON.stringify(problem);
  response.writeHead(503, {
    'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    'retry-after': String(retryAfter),
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
