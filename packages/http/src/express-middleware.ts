import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHttpBulkheadGuard, type HttpBulkheadGuard, writeRejection } from './http-bulkhead-guard.js';
import type { HttpBulkheadGuardOptions } from './http-bulkhead-guard-options.js';

/** An Express (4 or 5) middleware that carries its guard. */
export interface ExpressBulkheadMiddleware {
  (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void;
  /** The guard behind the middleware (Retry-After estimate, `dispose()`). */
  readonly guard: HttpBulkheadGuard;
}

/**
 * Express middleware: admitted requests continue with `next()` and hold their permit until the
 * response finishes or the client disconnects; rejected ones get a 503 problem document.
 * @throws {TypeError | RangeError} when an option is invalid.
 */
export function bulkheadMiddleware(options: HttpBulkheadGuardOptions): ExpressBulkheadMiddleware {
  const guard = createHttpBulkheadGuard(options);
  const middleware = (
    request: IncomingMessage,
    response: ServerResponse,
    next: (error?: unknown) => void,
  ) => {
    guard.admit(request, response).then((admission) => {
      if (admission.admitted) next();
      else if (admission.rejection !== undefined) writeRejection(response, admission.rejection);
    }, next);
  };
  return Object.assign(middleware, { guard });
}
