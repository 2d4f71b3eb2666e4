import type { Agent, ServerResponse } from 'node:http';
import { BulkheadTimeoutError } from '@x/bulkhead-core';
import type { ProtectedRequestHandler } from '@x/bulkhead-http';
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
  /** The gateway's one keep-alive agent. */
  agent: Agent;
  /** Deadline of one downstream call, pool wait included, in ms. */
  timeoutMs: number;
}

/** The handler of `/api/<name>`: calls the downstream and answers 200, 502 or 504. */
export function downstreamRoute(options: DownstreamRouteOptions): ProtectedRequestHandler {
  const url = `${options.downstreamUrl}/${options.name}`;
  return async (_request, response, { signal }) => {
    try {
      const answer = await callDownstream({
        agent: options.agent,
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
      sendFailure(response, error);
    }
  };
}
