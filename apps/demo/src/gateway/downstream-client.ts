import { BulkheadError } from '@x/bulkhead-core';
import { type Dispatcher, fetch } from 'undici';

/** Options of `callDownstream`. */
export interface DownstreamCallOptions {
  /** The undici dispatcher the call goes through (the shared pool, composed with the bulkhead interceptor or not). */
  dispatcher: Dispatcher;
  /** Absolute URL of the downstream endpoint. */
  url: string;
  /** Deadline of the whole call, waiting for a permit and a connection included, in ms. */
  timeoutMs: number;
  /** Aborts the call (e.g. the gateway's client went away). */
  signal?: AbortSignal;
}

/** What a downstream answered. */
export interface DownstreamResponse {
  readonly status: number;
  readonly body: string;
}

/** Thrown when a downstream call exceeded its deadline; the gateway answers 504. */
export class DownstreamTimeoutError extends Error {
  override readonly name = 'DownstreamTimeoutError';
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`downstream call to ${url} timed out after ${timeoutMs} ms`);
  }
}

/** Thrown by routes that treat a non-200 downstream answer as a failure (the breaker counts it). */
export class DownstreamStatusError extends Error {
  override readonly name = 'DownstreamStatusError';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`downstream ${url} answered ${status}`);
  }
}

/**
 * GETs `url` with undici's `fetch` through `dispatcher` and reads the whole body (so the bulkhead
 * interceptor's permit, if any, is held until the last byte).
 * @throws {DownstreamTimeoutError} after `timeoutMs`; a bulkhead's rejection (`fetch`'s `cause`) as itself;
 * the caller's abort reason when `signal` aborts; network errors as they come.
 */
export async function callDownstream(options: DownstreamCallOptions): Promise<DownstreamResponse> {
  const timeoutSignal = AbortSignal.timeout(options.timeoutMs);
  const signal =
    options.signal === undefined ? timeoutSignal : AbortSignal.any([timeoutSignal, options.signal]);
  try {
    const response = await fetch(options.url, { dispatcher: options.dispatcher, signal });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if (timeoutSignal.aborted) throw new DownstreamTimeoutError(options.url, options.timeoutMs);
    if (options.signal?.aborted) throw options.signal.reason;
    const cause = (error as { cause?: unknown }).cause;
    // fetch wraps every dispatcher error in `TypeError: fetch failed`; a bulkhead's verdict is the cause.
    if (BulkheadError.isInstance(cause)) throw cause;
    throw error;
  }
}
