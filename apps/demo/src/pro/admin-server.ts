import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BulkheadRegistryLike } from '@x/bulkhead-core';
import { createAdminHandler } from '@x/bulkhead-pro';

/** PRO's admin API, served on its own loopback port. */
export interface AdminServer {
  /** e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The bearer token changes need (random per run). */
  readonly token: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Options of `startAdminServer`. */
export interface AdminServerOptions {
  /** The registry the API reads and resizes. */
  registry: BulkheadRegistryLike;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

/**
 * Serves `createAdminHandler()` from `@x/bulkhead-pro` on 127.0.0.1 with a fresh random bearer
 * token (32 bytes, base64url), as an operator's deployment would.
 * @throws the listen error when the port is taken.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const token = randomBytes(32).toString('base64url');
  const server = createServer(createAdminHandler({ registry: options.registry, token }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
