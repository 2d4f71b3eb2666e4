import { type Agent, request as httpRequest } from 'node:http';

/** Options of `callDownstream`. */
export interface DownstreamCallOptions {
  /** Keep-alive agent whose socket pool the call uses. */
  agent: Agent;
  /** Absolute URL of the downstream endpoint. */
  url: string;
  /** Deadline of the whole call, waiting for a pooled socket included, in ms. */
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
 * GETs `url` through `agent` and reads the whole body.
 * @throws {DownstreamTimeoutError} after `timeoutMs`; the caller's abort reason when `signal` aborts;
 * socket errors as they come.
 */
export function callDownstream(options: DownstreamCallOptions): Promise<DownstreamResponse> {
  return new Promise((resolve, reject) => {
    const timeoutSignal = AbortSignal.timeout(options.timeoutMs);
    const signal =
      options.signal === undefined ? timeoutSignal : AbortSignal.any([timeoutSignal, options.signal]);
    const outgoing = httpRequest(options.url, { agent: options.agent, signal }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      incoming.on('error', fail);
    });
    function fail(error: unknown): void {
      if (timeoutSignal.aborted) reject(new DownstreamTimeoutError(options.url, options.timeoutMs));
      else if (options.signal?.aborted) reject(options.signal.reason);
      else reject(error);
    }
    outgoing.on('error', fail);
    outgoing.end();
  });
}
