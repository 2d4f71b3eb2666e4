import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bulkhead, BulkheadEventMap, BulkheadEventName } from '@x/bulkhead-core';

/** A promise you settle yourself. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

/** Creates a deferred (a deterministic barrier). */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Resolves with the next `event` of `bulkhead`. */
export function nextEvent<Name extends BulkheadEventName>(
  bulkhead: Bulkhead,
  event: Name,
): Promise<BulkheadEventMap[Name]> {
  return new Promise((resolve) => {
    const off = bulkhead.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

/** Starts `server` on 127.0.0.1, port 0; resolves to its base URL. */
export async function listen(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A finished HTTP exchange. */
export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A request in flight that the test can complete or abandon. */
export interface PendingRequest {
  readonly result: Promise<HttpResult>;
  /** Destroys the client socket (a client disconnect). */
  disconnect(): void;
}

/** Sends `GET path` (with `headers`) on a fresh connection (no keep-alive pooling). */
export function get(port: number, path: string, headers: Record<string, string> = {}): PendingRequest {
  const outgoing = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false });
  const result = new Promise<HttpResult>((resolve, reject) => {
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
  });
  outgoing.end();
  // Servers close their connections in afterEach; a request the test abandoned must not fail the run.
  result.catch(() => undefined);
  return {
    result,
    disconnect: () => {
      outgoing.destroy();
    },
  };
}

/** Resolves once `condition()` holds, checking after each turn of the event loop. */
export function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (condition()) resolve();
      else setImmediate(check);
    };
    check();
  });
}
