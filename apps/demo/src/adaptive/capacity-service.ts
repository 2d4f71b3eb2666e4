import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CapacityQueue, type CapacityQueueOptions } from './capacity-queue.js';

/** A running user service of bounded capacity. */
export interface CapacityService {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Its workers: set `queue.capacity` to degrade or restore it. */
  readonly queue: CapacityQueue;
  /** Stops listening; requests still inside are answered 503 at once. */
  close(): Promise<void>;
}

/**
 * Starts a user service on 127.0.0.1 that serves `capacity` requests at once (`GET /` answers 200 after
 * its service time, or after waiting for a worker); the rest wait in its FIFO queue.
 */
export async function startCapacityService(options: CapacityQueueOptions): Promise<CapacityService> {
  const queue = new CapacityQueue(options);
  const server = createServer((request, response) => {
    request.resume();
    void queue.serve().then((served) => {
      const body = served ? '{"service":"user","ok":true}' : '{"service":"user","error":"closing"}';
      if (response.destroyed) return; // the caller gave up; the work was done anyway
      response.writeHead(served ? 200 : 503, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queue,
    close() {
      queue.close(); // every request inside is answered 503 ...
      return new Promise((resolve) => {
        server.close(() => resolve());
        setImmediate(() => server.closeAllConnections()); // ... before the connections go
      });
    },
  };
}
