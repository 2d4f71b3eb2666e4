import { createServer, type IncomingMessage } from 'node:http';
import { KeyedBulkhead, PartitionedBulkhead } from '@x/bulkhead-core';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { bulkheadMiddleware } from './express-middleware.js';
import { bulkheadFastifyPlugin } from './fastify-plugin.js';
import type { HttpBulkheadGuardOptions } from './http-bulkhead-guard-options.js';
import { withBulkhead } from './node-http-handler.js';
import { type Deferred, deferred, get, listen, until } from './test-support/http-test-kit.js';

// One compartment shared by routes or tenants, each request routed with `bulkheadFor`, on real Express,
// Fastify and node:http servers (127.0.0.1, port 0). The handler answers at once unless its path holds it.

/** What a test server answers: `held` keeps a request open until the test releases it. */
interface App {
  /** Requests inside the handler, by path. */
  readonly entered: string[];
  hold(path: string): Deferred;
}

type Handle = (request: IncomingMessage) => Promise<string>;
type Start = (
  options: HttpBulkheadGuardOptions,
  handle: Handle,
) => Promise<{ port: number; close(): Promise<void> }>;

const adapters: Array<[string, Start]> = [
  [
    'Express middleware',
    async (options, handle) => {
      const protect = bulkheadMiddleware(options);
      const app = express();
      app.use(protect);
      app.use((request, response) => {
        handle(request).then((body) => response.send(body));
      });
      const server = await listen(createServer(app));
      return {
        port: server.port,
        close: async () => {
          protect.guard.dispose();
          await server.close();
        },
      };
    },
  ],
  [
    'Fastify plugin',
    async (options, handle) => {
      const app = Fastify();
      await app.register(bulkheadFastifyPlugin, options);
      app.get('/*', (request) => handle(request.raw));
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return { port: address.port, close: () => app.close() };
    },
  ],
  [
    'node:http handler',
    async (options, handle) => {
      const listener = withBulkhead(async (request, response) => {
        response.end(await handle(request));
      }, options);
      const server = await listen(createServer(listener));
      return {
        port: server.port,
        close: async () => {
          listener.guard.dispose();
          await server.close();
        },
      };
    },
  ],
];

function app(): App & { handle: Handle; releaseAll(): void } {
  const entered: string[] = [];
  const holds = new Map<string, Deferred>();
  return {
    entered,
    hold(path) {
      const gate = deferred();
      holds.set(path, gate);
      return gate;
    },
    async handle(request) {
      const path = request.url ?? '/';
      entered.push(path);
      await holds.get(path)?.promise;
      return `served ${path}`;
    },
    releaseAll() {
      for (const gate of holds.values()) gate.resolve();
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.each(adapters)('%s with bulkheadFor', (_name, start) => {
  it('a flooded batch route gets 503 + Retry-After while live requests on the same PartitionedBulkhead are served', async () => {
    // 4 permits: live is guaranteed 3, batch 1; batch borrows what live leaves idle and never queues.
    const api = new PartitionedBulkhead('api', {
      maxConcurrent: 4,
      partitions: { live: { share: 0.75 }, batch: { share: 0.25, maxQueue: 0 } },
    });
    const routes = app();
    const server = await start(
      {
        bulkheadFor: (request) => api.partition(request.url?.startsWith('/batch/') ? 'batch' : 'live'),
        waitTimeout: 60_000,
      },
      routes.handle,
    );
    cleanups.push(async () => {
      routes.releaseAll();
      await server.close();
    });

    // The batch flood takes the 4 idle permits (1 guaranteed, 3 borrowed); the next batch request is refused.
    const batchGates = [1, 2, 3, 4].map((index) => routes.hold(`/batch/${index}`));
    const batch = [1, 2, 3, 4].map((index) => get(server.port, `/batch/${index}`));
    await until(() => routes.entered.length === 4);
    const refused = await get(server.port, '/batch/5').result;
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(JSON.parse(refused.body)).toMatchObject({ compartment: 'api/batch', reason: 'queue_full' });

    // Live requests wait for their share; each batch release goes to live, not back to batch.
    const liveGates = [routes.hold('/live/1'), routes.hold('/live/2')];
    const live = [get(server.port, '/live/1'), get(server.port, '/live/2')];
    await until(() => api.getState().partitions.live?.waiting === 2);
    batchGates[0]?.resolve();
    batchGates[1]?.resolve();
    await until(() => routes.entered.includes('/live/1') && routes.entered.includes('/live/2'));
    // While live holds its permits the compartment is full again: batch cannot take them back.
    expect((await get(server.port, '/batch/6').result).status).toBe(503);
    for (const gate of liveGates) gate.resolve();
    const liveResults = await Promise.all(live.map((request) => request.result));
    expect(liveResults.map((result) => [result.status, result.body])).toEqual([
      [200, 'served /live/1'],
      [200, 'served /live/2'],
    ]);
    // Live is idle again: batch borrows the free permits.
    expect((await get(server.port, '/batch/7').result).status).toBe(200);
    expect(api.getState().partitions.batch).toMatchObject({ rejected: 2 });
    for (const gate of batchGates) gate.resolve();
    expect(
      (await Promise.all(batch.map((request) => request.result))).map((result) => result.status),
    ).toEqual([200, 200, 200, 200]);
    await until(() => api.activeCount === 0);
  });

  it("routes the x-tenant header to per-key compartments: one tenant's flood does not block another", async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 2, maxQueue: 0 } });
    const routes = app();
    const server = await start(
      {
        bulkheadFor: (request) => {
          const tenant = request.headers['x-tenant'];
          return tenants.forKey(typeof tenant === 'string' && tenant !== '' ? tenant : 'anonymous');
        },
      },
      routes.handle,
    );
    cleanups.push(async () => {
      routes.releaseAll();
      await server.close();
    });
    const acmeGates = [routes.hold('/search?q=1'), routes.hold('/search?q=2')];
    const acme = [1, 2].map((query) => get(server.port, `/search?q=${query}`, { 'x-tenant': 'acme' }));
    await until(() => routes.entered.length === 2);
    const flooded = await get(server.port, '/search?q=3', { 'x-tenant': 'acme' }).result;
    expect(flooded.status).toBe(503);
    expect(flooded.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(JSON.parse(flooded.body)).toMatchObject({ compartment: 'tenants/acme', instance: '/search' });

    const globex = await get(server.port, '/search?q=4', { 'x-tenant': 'globex' }).result;
    expect([globex.status, globex.body]).toEqual([200, 'served /search?q=4']);
    expect((await get(server.port, '/search?q=5').result).status).toBe(200); // anonymous
    expect(tenants.getState()).toMatchObject({ keyCount: 3, activeCount: 2, rejectedCount: 1 });
    for (const gate of acmeGates) gate.resolve();
    expect((await Promise.all(acme.map((request) => request.result))).map((result) => result.status)).toEqual(
      [200, 200],
    );
  });
});

describe('README example: bulkheadFor', () => {
  it('live and batch routes in one PartitionedBulkhead; one compartment per tenant', async () => {
    const app = express();
    // README: bulkheadFor
    // Live and batch routes share 20 permits: live is guaranteed 18, batch 2, and batch borrows what live leaves idle.
    const api = new PartitionedBulkhead('api', {
      maxConcurrent: 20,
      partitions: { live: { share: 0.9 }, batch: { share: 0.1, maxQueue: 0 } },
    });
    app.use(
      bulkheadMiddleware({
        bulkheadFor: (request) => api.partition(request.url?.startsWith('/batch/') ? 'batch' : 'live'),
        waitTimeout: 500,
      }),
    );

    // One compartment per tenant (4 requests at once each), from a header:
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 4, maxQueue: 0 } });
    const perTenant = bulkheadMiddleware({
      bulkheadFor: (request) => tenants.forKey(String(request.headers['x-tenant'] ?? 'anonymous')),
    });
    app.get('/search', perTenant, (_request, response) => {
      response.json({ hits: [] });
    });
    // end README
    app.get('/batch/export', (_request, response) => {
      response.send('exported');
    });
    const server = await listen(createServer(app));
    cleanups.push(server.close);
    const search = await get(server.port, '/search', { 'x-tenant': 'acme' }).result;
    expect(JSON.parse(search.body)).toEqual({ hits: [] });
    expect((await get(server.port, '/batch/export').result).body).toBe('exported');
    expect(api.getState().partitions).toMatchObject({ live: { active: 0 }, batch: { active: 0 } });
    expect(api.partition('live').getState().totalCalls).toBe(1);
    expect(api.partition('batch').getState().totalCalls).toBe(1);
    expect(tenants.keyState('acme').totalCalls).toBe(1);
  });
});
