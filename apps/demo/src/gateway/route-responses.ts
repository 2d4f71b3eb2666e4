import type { ServerResponse } from 'node:http';
import {
  type BulkheadClosedError,
  type BulkheadFullError,
  BulkheadTimeoutError,
  isRejection,
} from '@x/bulkhead-core';
import type { ProtectedRequestHandler } from '@x/bulkhead-http';
import type { Dispatcher } from 'undici';
import type { DownstreamName } from '../config.js';
import { callDownstream, DownstreamTimeoutError } from './downstream-client.js';

/** Writes a JSON answer (no-op once headers are sent or the client left). */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Maps a failed call to `504` (a timeout) or `502` (anything else). */
export function sendFailure(response: ServerResponse, error: unknown): void {
  if (error instanceof DownstreamTimeoutError || BulkheadTimeoutError.isInstance(error)) {
    sendJson(response, 504, { error: error.message });
  } else {
    sendJson(response, 502, { error: error instanceof Error ? error.message : String(error) });
  }
}

/** Options of `downstreamRoute`. */
export interface DownstreamRouteOptions {
  /** The downstream service the route calls. */
  name: DownstreamName;
  /** Origin of the downstream services. */
  downstreamUrl: string;
  /** The dispatcher downstream calls go through (the shared pool, composed with the bulkhead interceptor or not). */
  dispatcher: Dispatcher;
  /** Deadline of one downstream call, pool wait included, in ms. */
  timeoutMs: number;
  /**
   * Answers a bulkhead's rejection of the call (the interceptor's `BulkheadFullError`); without it a
   * rejection is a 502 like any failure.
   */
  onRejection?: (
    response: ServerResponse,
    error: BulkheadFullError | BulkheadClosedError,
    url: string | undefined,
  ) => void;
}

/** The handler of `/api/<name>`: calls the downstream and answers 200, 502 or 504 (503 through `onRejection`). */
export function downstreamRoute(options: DownstreamRouteOptions): ProtectedRequestHandler {
  const url = `${options.downstreamUrl}/${options.name}`;
  return async (request, response, { signal }) => {
    try {
      const answer = await callDownstream({
        dispatcher: options.dispatcher,
        url,
        timeoutMs: options.timeoutMs,
        signal,
      });
      if (answer.status === 200) {
        sendJson(response, 200, { route: options.name, downstream: JSON.parse(answer.body) });
      } else {
        sendJson(response, 502, { error: `${options.name} answered ${answer.status}` });
      }
    } catch (error) {
      if (options.onRejection !== undefined && isRejection(error))
        options.onRejection(response, error, request.url);
      else sendFailure(response, error);
    }
  };
}
