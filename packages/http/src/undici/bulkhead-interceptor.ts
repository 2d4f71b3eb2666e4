import { IdleList, IdleSweeper } from '@x/bulkhead-core/extension';
import {
  type BulkheadInterceptorOptions,
  validateInterceptorOptions,
} from './bulkhead-interceptor-options.js';
import type { Dispatch, DispatchHandler, DispatchInterceptor, DispatchOptions } from './dispatch-types.js';
import { GuardedRequest, type GuardedRequestSettings } from './guarded-request.js';

/**
 * An undici interceptor for `dispatcher.compose(...)`: each request takes a permit of its origin's compartment
 * (or of `bulkheadFor(origin, request)`) before it is dispatched, and gives it back when its response body has
 * been read to the end, errored or been aborted, sat idle for `bodyIdleTimeout`, or the request failed.
 * A rejected request fails with the bulkhead's error (`BulkheadFullError`; `fetch` wraps it as `cause`).
 * @throws {TypeError | RangeError} when an option is invalid (the message names it).
 */
export function bulkheadInterceptor(options: BulkheadInterceptorOptions = {}): DispatchInterceptor {
  const settings = validateInterceptorOptions(options);
  const idleBodies = new IdleList<GuardedRequest>();
  const requestSettings: GuardedRequestSettings = {
    timeout: settings.timeout,
    bodyIdleTimeout: settings.bodyIdleTimeout,
    idleBodies,
    sweeper: new IdleSweeper(idleBodies, settings.bodyIdleTimeout, (body) => body.onIdle()),
  };
  return (dispatch: Dispatch): Dispatch =>
    function interceptBulkhead(options: DispatchOptions, handler: DispatchHandler): boolean {
      const bulkhead = settings.bulkheadFor(originOf(options.origin), options);
      if (bulkhead === undefined) return dispatch(options, handler);
      return new GuardedRequest(requestSettings, bulkhead, { dispatch, options, handler }).start();
    };
}

const normalizedOrigins = new Map<string, string>();

/** `scheme://host:port` of a request's origin (a string or a URL), normalised once per distinct string. */
function originOf(origin: string | URL | undefined): string {
  if (origin === undefined) return '';
  if (typeof origin !== 'string') return origin.origin;
  let normalized = normalizedOrigins.get(origin);
  if (normalized === undefined) {
    try {
      normalized = new URL(origin).origin;
    } catch {
      normalized = origin;
    }
    // Bounded: a process talks to a handful of origins; past this, normalise without caching.
    if (normalizedOrigins.size < 1024) normalizedOrigins.set(origin, normalized);
  }
  return normalized;
}
