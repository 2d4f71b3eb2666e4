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
import { ServiceTimesByCompartment } from './internal/service-times-by-compartment.js';
import {
  type GuardSettings,
  validateGuardedBulkhead,
  validateGuardOptions,
} from './internal/validate-options.js';
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
      /** The compartment that admitted the request; `undefined` when `bulkheadFor` let it through unguarded. */
      readonly bulkhead: Bulkhead | undefined;
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
  /** The compartment of every request (`options.bulkhead`); `undefined` when `bulkheadFor` routes them. */
  readonly bulkhead: Bulkhead | undefined;
  /**
   * The compartment of `request`: `options.bulkhead`, or what `options.bulkheadFor` returns (`undefined`:
   * unguarded).
   * @throws {TypeError} when `bulkheadFor` returns something else than a Bulkhead (a `KeyedBulkhead` itself
   * included) or `undefined`; whatever `bulkheadFor` throws.
   */
  bulkheadFor(request: IncomingMessage): Bulkhead | undefined;
  /**
   * Takes a permit for this request in its compartment (waiting up to `waitTimeout`), released exactly once
   * on the response's `finish`, `close` (client disconnect) or `error`.
   * @throws only unexpected errors of the bulkhead or of `bulkheadFor` (never a rejection: that becomes
   * `rejection`).
   */
  admit(request: IncomingMessage, response: ServerResponse): Promise<HttpAdmission>;
  /**
   * The `Retry-After` value (seconds) a rejection by `bulkhead` would carry now.
   * @throws {TypeError} without `bulkhead` when the guard routes with `bulkheadFor`.
   */
  retryAfterSeconds(bulkhead?: Bulkhead): number;
  /**
   * EWMA of recent call durations of `bulkhead` in ms (`initialServiceTime` before the first sample).
   * @throws {TypeError} without `bulkhead` when the guard routes with `bulkheadFor`.
   */
  serviceTimeEstimate(bulkhead?: Bulkhead): number;
  /** Stops listening to the bulkhead's `finished` events (with `bulkheadFor`: forgets the estimates). */
  dispose(): void;
}

/** Where the service-time averages come from (see `createHttpBulkheadGuard`). */
interface ServiceTimeSource {
  estimate(bulkhead: Bulkhead): number | undefined;
  /** Set when the guard measures admitted requests itself (routing mode). */
  record: ((bulkhead: Bulkhead, duration: number) => void) | undefined;
  dispose(): void;
}

function serviceTimeSource(settings: GuardSettings): ServiceTimeSource {
  const { bulkhead } = settings;
  if (bulkhead !== undefined) {
    const estimator = new ServiceTimeEstimator({ smoothing: settings.smoothing });
    const unsubscribe = bulkhead.on('finished', (event) => estimator.record(event.duration));
    return { estimate: () => estimator.estimate, record: undefined, dispose: unsubscribe };
  }
  const byName = new ServiceTimesByCompartment(settings.smoothing);
  return {
    estimate: (compartment) => byName.estimate(compartment.name),
    record: (compartment, duration) => byName.record(compartment.name, duration),
    dispose: () => byName.clear(),
  };
}

/**
 * Creates the framework-neutral guard used by the Express, Fastify and `node:http` adapters. With `bulkhead`
 * the service time comes from its `finished` events; with `bulkheadFor` the guard times each admitted
 * request (admission to end of response) and keeps one average per compartment name.
 * @throws {TypeError | RangeError} when an option is invalid (the message names it).
 */
export function createHttpBulkheadGuard(options: HttpBulkheadGuardOptions): HttpBulkheadGuard {
  const settings = validateGuardOptions(options);
  const serviceTimes = serviceTimeSource(settings);
  const select = settings.bulkheadFor;

  const bulkheadFor = (request: IncomingMessage): Bulkhead | undefined => {
    if (select === undefined) return settings.bulkhead;
    const selected = select(request);
    return selected === undefined
      ? undefined
      : validateGuardedBulkhead('the bulkhead of options.bulkheadFor', selected);
  };
  const compartmentOf = (bulkhead: Bulkhead | undefined, method: string): Bulkhead => {
    const compartment = bulkhead ?? settings.bulkhead;
    if (compartment === undefined) {
      throw new TypeError(`${method}(bulkhead) needs the bulkhead when the guard routes with bulkheadFor`);
    }
    return compartment;
  };
  const estimateOf = (compartment: Bulkhead): number =>
    serviceTimes.estimate(compartment) ?? settings.initialServiceTime;
  const retryAfterOf = (compartment: Bulkhead): number => {
    const state = compartment.getState();
    return estimateRetryAfterSeconds({
      serviceTime: estimateOf(compartment),
      waitingCount: state.waitingCount,
      maxConcurrent: state.maxConcurrent,
      minSeconds: settings.minRetryAfter,
      maxSeconds: settings.maxRetryAfter,
    });
  };
  const reject = (compartment: Bulkhead, error: unknown, url: string | undefined): HttpRejection => {
    const retryAfter = retryAfterOf(compartment);
    const reason = BulkheadClosedError.isInstance(error)
      ? 'shutdown'
      : ((error as { reason?: HttpRejection['problem']['reason'] }).reason ?? 'queue_full');
    const problem = createProblemDetails({
      type: settings.problemType,
      compartment: compartment.name,
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
    bulkhead: settings.bulkhead,
    bulkheadFor,
    async admit(request, response) {
      const compartment = bulkheadFor(request);
      const lifecycle = trackResponse(response);
      if (compartment === undefined) return { admitted: true, bulkhead: undefined, signal: lifecycle.signal };
      const acquireOptions: AcquireOptions =
        settings.waitTimeout === 0
          ? { signal: lifecycle.signal }
          : { signal: lifecycle.signal, timeout: settings.waitTimeout };
      let permit: Permit;
      try {
        permit = await compartment.acquire(acquireOptions);
      } catch (error) {
        lifecycle.detach();
        if (isRejection(error)) {
          return { admitted: false, rejection: reject(compartment, error, request.url) };
        }
        if (lifecycle.signal.aborted) return { admitted: false, rejection: undefined };
        throw error;
      }
      const record = serviceTimes.record;
      const admittedAt = record === undefined ? 0 : performance.now();
      lifecycle.onEnd((outcome) => {
        permit.release(outcome);
        record?.(compartment, performance.now() - admittedAt);
      });
      return { admitted: true, bulkhead: compartment, signal: lifecycle.signal };
    },
    retryAfterSeconds: (bulkhead) => retryAfterOf(compartmentOf(bulkhead, 'retryAfterSeconds')),
    serviceTimeEstimate: (bulkhead) => estimateOf(compartmentOf(bulkhead, 'serviceTimeEstimate')),
    dispose: () => serviceTimes.dispose(),
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
