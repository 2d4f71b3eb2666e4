import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateFunction } from '@x/bulkhead-core/extension';
import { createHttpBulkheadGuard, type HttpBulkheadGuard, writeRejection } from './http-bulkhead-guard.js';
import type { HttpBulkheadGuardOptions } from './http-bulkhead-guard-options.js';

/** What a protected `node:http` handler receives besides the request and response. */
export interface ProtectedRequestContext {
  /** Aborted when the client disconnects before the response finished. */
  readonly signal: AbortSignal;
}

/** A `node:http` request handler to protect. */
export type ProtectedRequestHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  context: ProtectedRequestContext,
) => void | Promise<void>;

/** A `node:http` request listener that carries its guard. */
export interface ProtectedRequestListener {
  (request: IncomingMessage, response: ServerResponse): void;
  /** The guard behind the listener. */
  readonly guard: HttpBulkheadGuard;
}

function failResponse(response: ServerResponse): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(500, { 'content-length': '0' });
  response.end();
}

/**
 * Wraps a `node:http` handler: `http.createServer(withBulkhead(handler, { bulkhead }))`.
 * A handler that throws or rejects gets a bare 500 (or a destroyed response), so its permit is
 * still released; no error detail is sent.
 * @throws {TypeError | RangeError} when `handler` is not a function or an option is invalid.
 */
export function withBulkhead(
  handler: ProtectedRequestHandler,
  options: HttpBulkheadGuardOptions,
): ProtectedRequestListener {
  validateFunction('handler', handler);
  const guard = createHttpBulkheadGuard(options);
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    guard.admit(request, response).then(
      async (admission) => {
        if (!admission.admitted) {
          if (admission.rejection !== undefined) writeRejection(response, admission.rejection);
          return;
        }
        try {
          await handler(request, response, { signal: admission.signal });
        } catch {
          failResponse(response);
        }
      },
      () => failResponse(response),
    );
  };
  return Object.assign(listener, { guard });
}
