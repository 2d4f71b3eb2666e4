import { SemaphoreBulkhead } from '@x/bulkhead-core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bulkheadFastifyPlugin, createBulkheadFastifyHook } from './fastify-plugin.js';
import { type Deferred, deferred, get, nextEvent } from './test-support/http-test-kit.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function start(app: FastifyInstance): Promise<number> {
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function heldRoute() {
  const entered: Deferred[] = [deferred(), deferred()];
  const gate = deferred();
  let arrivals = 0;
  const handler = async () => {
    entered[arrivals++]?.resolve();
    await gate.promise;
    return { ok: true };
  };
  return { entered, gate, handler };
}

describe('Fastify 5 integration', () => {
  it('the plugin protects every route of the registering scope (skip-override) and answers 503 problems', async () => {
    const bulkhead = new SemaphoreBulkhead('catalog', { maxConcurrent: 1 });
    const app = Fastify();
    await app.register(bulkheadFastifyPlugin, { bulkhead });
    const { entered, gate, handler } = heldRoute();
    app.get('/items', handler);
    app.get('/other', async () => 'other');
    const port = await start(app);

    const first = get(port, '/items');
    await entered[0]?.promise;
    for (const path of ['/items', '/other']) {
      const rejected = await get(port, path).result;
      expect(rejected.status).toBe(503);
      expect(rejected.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(rejected.headers['retry-after']).toMatch(/^\d+$/);
      expect(JSON.parse(rejected.body)).toMatchObject({ compartment: 'catalog', instance: path });
    }
    gate.resolve();
    expect((await first.result).status).toBe(200);
    expect(bulkhead.activeCount).toBe(0);
  });

  it('a route-level hook protects only its route and releases exactly once on client disconnect', async () => {
    const bulkhead = new SemaphoreBulkhead('checkout', { maxConcurrent: 1 });
    const outcomes: string[] = [];
    bulkhead.on('finished', (event) => outcomes.push(event.outcome));
    const app = Fastify();
    const { entered, gate, handler } = heldRoute();
    const hook = createBulkheadFastifyHook({ bulkhead });
    app.get('/checkout', { onRequest: hook }, handler);
    app.get('/free', async () => 'free');
    const port = await start(app);

    const pending = get(port, '/checkout');
    await entered[0]?.promise;
    expect((await get(port, '/free').result).status).toBe(200);
    expect((await get(port, '/checkout').result).status).toBe(503);
    const released = nextEvent(bulkhead, 'finished');
    pending.disconnect();
    await released;
    expect(bulkhead.activeCount).toBe(0);
    gate.resolve();
    expect((await get(port, '/checkout').result).status).toBe(200);
    expect(outcomes).toEqual(['failure', 'success']);
    hook.guard.dispose();
  });

  it('README example: register the plugin in an encapsulated scope', async () => {
    // README: Fastify
    const bulkhead = new SemaphoreBulkhead('api', { maxConcurrent: 50 });
    const app = Fastify();
    await app.register(async (scope) => {
      await scope.register(bulkheadFastifyPlugin, { bulkhead });
      scope.get('/api/ping', async () => ({ pong: true }));
    });
    app.get('/unprotected', async () => 'ok');
    // end README
    const port = await start(app);
    expect(JSON.parse((await get(port, '/api/ping').result).body)).toEqual({ pong: true });
  });

  it('stops listening to the bulkhead when the Fastify instance closes', async () => {
    const bulkhead = new SemaphoreBulkhead('closing');
    const disposed = vi.fn();
    const on = bulkhead.on.bind(bulkhead);
    vi.spyOn(bulkhead, 'on').mockImplementation((event, listener) => {
      const off = on(event, listener);
      return () => {
        disposed();
        off();
      };
    });
    const app = Fastify();
    await app.register(bulkheadFastifyPlugin, { bulkhead });
    await app.ready();
    expect(disposed).not.toHaveBeenCalled();
    await app.close();
    expect(disposed).toHaveBeenCalledTimes(1);
  });

  it('reports an invalid option through Fastify registration', async () => {
    const app = Fastify();
    apps.push(app);
    await expect(app.register(bulkheadFastifyPlugin, { bulkhead: {} as never })).rejects.toThrow(
      'options.bulkhead must implement the Bulkhead contract',
    );
  });

  it('reports a misspelled option through Fastify registration, naming the closest valid name', async () => {
    const app = Fastify();
    apps.push(app);
    const bulkhead = new SemaphoreBulkhead('fastify-misspelled');
    await expect(
      app.register(bulkheadFastifyPlugin, { bulkhead, problemTyp: 'urn:x' } as never),
    ).rejects.toThrow(new TypeError('options.problemTyp is not a known option; did you mean problemType?'));
  });
});
