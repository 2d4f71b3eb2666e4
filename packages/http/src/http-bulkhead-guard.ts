import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AcquireOptions,
  type Bulkhead,
  BulkheadClosedError,
  isRejection,
  type Permit,
} from '@x/bulkhead-core';
import type { HttpBulkheadGuardOptions } from './http-bulkhead-guard-options.js';
import { trackResponse } from './internal/response-lifecycle.js';
import { validateGuardOptions } from './internal/validate-options.js';
import {
  type BulkheadProblemDetails,
  createProblemDetails,
  PROBLEM_CONTENT_TYPE,
} from './problem-details.js';
import { estimateRetryAfterSeconds } from './retry-after.js';
import { ServiceTimeEstimator } from './service-time-estimator.js';

/** A ready-to-send 503 response. */
export interface HttpRejection {
  readonly statusCode: 503;
  /** `Content-Type`, `Retry-After` and `Cache-Control`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly problem: BulkheadProblemDetails;
  /** The problem document serialised as JSON. */
  readonly body: string;
}

/** The verdict of `guard.admit()`. */
export type HttpAdmission =
  | {
      readonly admitted: true;
      /** Aborted when the client disconnects before the response finished. */
      readonly signal: AbortSignal;
    }
  | {
      readonly admitted: false;
      /** The 503 to send, or `undefined` when the client left while waiting (nothing to send). */
      readonly rejection: HttpRejection | undefined;
    };

/** Admits requests into a compartment and releases each permit exactly once when its response ends. */
export interface HttpBulkheadGuard {
  /** The protected compartment. */
  readonly bulkhead: Bulkhead;
  /**
   * Takes a permit for this request (waiting up to `waitTimeout`), released exactly once on the
   * response's `finish`, `close` (client disconnect) or `error`.
   * @throws only unexpected errors of the bulkhead (never a rejection: that becomes `rejection`).
   */
  admit(request: IncomingMessage, response: ServerResponse): Promise<HttpAdmission>;
  /** The `Retry-After` value (seconds) a rejection would carry now. */
  retryAfterSeconds(): number;
  /** EWMA of recent call durations in ms (`initialServiceTime` before the first sample). */
  serviceTimeEstimate(): number;
  /** Stops listening to the bulkhead's `finished` events. */
  dispose(): void;
}

/**
 * Creates the framework-neutral guard used by the Express, Fastify and `node:http` adapters.
 * @throws {TypeError | RangeError} when an option is invalid (the message names it).
 */
export function createHttpBulkheadGuard(options: HttpBulkheadGuardOptions): HttpBulkheadGuard {
  const settings = validateGuardOptions(options);
  const { bulkhead } = settings;
  const estimator = new ServiceTimeEstimator({ smoothing: settings.smoothing });
  const unsubscribe = bulkhead.on('finished', (event) => estimator.record(event.duration));

  const serviceTimeEstimate = (): number => estimator.estimate ?? settings.initialServiceTime;
  const retryAfterSeconds = (): number => {
    const state = bulkhead.getState();
    return estimateRetryAfterSeconds({
      serviceTime: serviceTimeEstimate(),
      waitingCount: state.waitingCount,
      maxConcurrent: state.maxConcurrent,
      minSeconds: settings.minRetryAfter,
      maxSeconds: settings.maxRetryAfter,
    });
  };
  const reject = (error: unknown, url: string | undefined): HttpRejection => {
    const retryAfter = retryAfterSeconds();
    const reason = BulkheadClosedError.isInstance(error)
      ? 'shutdown'
      : ((error as { reason?: HttpRejection['problem']['reason'] }).reason ?? 'queue_full');
    const problem = createProblemDetails({
      type: settings.problemType,
      compartment: bulkhead.name,
      reason,
      retryAfter,
      url,
    });
    return {
      statusCode: 503,
      headers: {
        'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
        'retry-after': String(retryAfter),
        'cache-control': 'no-store',
      },
      problem,
      body: JSON.stringify(problem),
    };
  };

  return {
    bulkhead,
    async admit(request, response) {
      const lifecycle = trackResponse(response);
      const acquireOptions: AcquireOptions =
        settings.waitTimeout === 0
          ? { signal: lifecycle.signal }
          : { signal: lifecycle.signal, timeout: settings.waitTimeout };
      let permit: Permit;
      try {
        permit = await bulkhead.acquire(acquireOptions);
      } catch (error) {
        lifecycle.detach();
        if (isRejection(error)) return { admitted: false, rejection: reject(error, request.url) };
        if (lifecycle.signal.aborted) return { admitted: false, rejection: undefined };
        throw error;
      }
      lifecycle.onEnd((outcome) => permit.release(outcome));
      return { admitted: true, signal: lifecycle.signal };
    },
    retryAfterSeconds,
    serviceTimeEstimate,
    dispose: unsubscribe,
  };
}

/** Writes `rejection` to a `node:http` response (destroys it if headers were already sent). */
export function writeRejection(response: ServerResponse, rejection: HttpRejection): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(rejection.statusCode, rejection.headers);
  response.end(rejection.body);
}
