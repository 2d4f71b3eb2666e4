import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback origin whose responses the test drives: `/ok`, `/held/<id>` (ends when the test says), `/large`. */
export interface StreamingOrigin {
  readonly origin: string;
  /** Responses whose body is still open on the server side, now and at most. */
  readonly open: { now: number; max: number };
  /** Resolves once `/held/<id>` has sent its headers and first chunk. */
  started(id: string): Promise<void>;
  /** Sends the last byte of `/held/<id>`. */
  finish(id: string): void;
  close(): Promise<void>;
}

interface Held {
  started: Promise<void>;
  markStarted: () => void;
  finish: () => void;
  finishRequested: boolean;
}

/** Starts a `StreamingOrigin` on 127.0.0.1. */
export async function startStreamingOrigin(): Promise<StreamingOrigin> {
  const open = { now: 0, max: 0 };
  const held = new Map<string, Held>();
  const entry = (id: string): Held => {
    let value = held.get(id);
    if (value === undefined) {
      let markStarted!: () => void;
      const started = new Promise<void>((resolve) => {
        markStarted = resolve;
      });
      value = { started, markStarted, finish: () => undefined, finishRequested: false };
      held.set(id, value);
    }
    return value;
  };
  const server: Server = createServer((request, response) => {
    open.now++;
    open.max = Math.max(open.max, open.now);
    let counted = true;
    const done = (): void => {
      if (!counted) return;
      counted = false;
      open.now--;
    };
    response.on('finish', done);
    response.on('close', done);
    const path = request.url ?? '/';
    if (path.startsWith('/held/')) {
      const item = entry(path.slice('/held/'.length));
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first;');
      item.finish = () => response.end('last');
      item.markStarted();
      if (item.finishRequested) item.finish();
      return;
    }
    if (path === '/large') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      // Far more than the socket and undici buffer, so an unread body stops the stream.
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = (): void => {
        while (sent < 64) {
          sent++;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      pump();
      return;
    }
    if (path === '/error') {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('unavailable');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    open,
    started: (id) => entry(id).started,
    finish: (id) => {
      const item = entry(id);
      item.finishRequested = true;
      item.finish();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
