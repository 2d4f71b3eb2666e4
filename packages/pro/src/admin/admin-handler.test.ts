import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Bulkhead, init, SemaphoreBulkhead } from '@x/bulkhead-core';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigEventBus } from '../registry/config-events.js';
import { ProBulkheadRegistry } from '../registry/pro-registry.js';
import { entitleForTesting, resetProStateForTesting } from '../test-support/entitle.js';
import { captureLogs } from '../test-support/license-fixtures.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { type AdminHandlerOptions, type AdminRequestListener, createAdminHandler } from './admin-handler.js';

const TOKEN = 'test-admin-token-0123456789';

/** A bulkhead without resize(), as a custom implementation could be. */
function fixedSizeBulkhead(name: string): Bulkhead {
  const inner = new SemaphoreBulkhead(name);
  return {
    name,
    type: 'semaphore',
    acquire: (options) => inner.acquire(options),
    execute: (fn, options) => inner.execute(fn, options),
    wrap: (fn, options) => inner.wrap(fn, options),
    getState: () => inner.getState(),
    on: (event, listener) => inner.on(event, listener),
  };
}

interface Mounted {
  baseUrl: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function mountPlain(handler: AdminRequestListener): Promise<Mounted> {
  const server = createServer(handler);
  return { baseUrl: await listen(server), close: () => closeServer(server) };
}

async function mountExpress(handler: AdminRequestListener): Promise<Mounted> {
  const app = express();
  app.use('/admin/bulkheads', handler);
  const server = createServer(app);
  return { baseUrl: `${await listen(server)}/admin/bulkheads`, close: () => closeServer(server) };
}

async function mountFastify(handler: AdminRequestListener): Promise<Mounted> {
  const fastify: FastifyInstance = Fastify();
  await fastify.register(async (instance) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const route = (
      request: { raw: Parameters<AdminRequestListener>[0] },
      reply: { hijack(): void; raw: Parameters<AdminRequestListener>[1] },
    ) => {
      reply.hijack();
      handler(request.raw, reply.raw);
    };
    instance.all('/admin/bulkheads', route);
    instance.all('/admin/bulkheads/*', route);
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = fastify.server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/admin/bulkheads`, close: () => fastify.close() };
}

const mounts = [
  ['node:http', mountPlain, {}],
  ['Express', mountExpress, {}],
  ['Fastify', mountFastify, { basePath: '/admin/bulkheads' }],
] as const;

/** The union of every response shape, loosely typed for assertions. */
interface JsonBody {
  bulkheads: Record<string, Record<string, unknown>>;
  bulkhead: Record<string, unknown>;
  previousMaxConcurrent: number;
  error: { code: string; message: string };
}

async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return {
    status: response.status,
    body: JSON.parse(text) as JsonBody,
    headers: response.headers,
  };
}

const patch = (url: string, body: string, token: string | null = TOKEN) =>
  call(url, {
    method: 'PATCH',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body,
  });

beforeAll(async () => {
  await entitleForTesting();
});

afterAll(() => resetProStateForTesting());

describe.each(mounts)('admin API mounted in %s', (_label, mount, extra) => {
  let mounted: Mounted;
  let registry: ProBulkheadRegistry;

  beforeAll(async () => {
    registry = new ProBulkheadRegistry({ env: {}, logger: silentLogger, configEvents: new ConfigEventBus() });
    registry.register(fixedSizeBulkhead('fixed'));
    mounted = await mount(createAdminHandler({ registry, token: TOKEN, ...extra }));
  });

  afterAll(async () => {
    await mounted.close();
  });

  it('GET / lists every compartment state', async () => {
    const { status, body } = await call(mounted.baseUrl);
    expect(status).toBe(200);
    expect(Object.keys(body.bulkheads)).toEqual([
      'database',
      'cache',
      'external_api',
      'message_queue',
      'fixed',
    ]);
    expect(body.bulkheads.database).toMatchObject({
      name: 'database',
      type: 'semaphore',
      maxConcurrent: 10,
      maxQueue: null,
    });
  });

  it('GET /:name returns one state; unknown names get 404 listing the known ones', async () => {
    expect(await call(`${mounted.baseUrl}/cache`)).toMatchObject({
      status: 200,
      body: { bulkhead: { name: 'cache' } },
    });
    const missing = await call(`${mounted.baseUrl}/payments`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found' });
    expect(missing.body.error.message).toContain('database, cache');
  });

  it('PATCH and POST /:name change maxConcurrent with the bearer token', async () => {
    const database = registry.get('database');
    const response = await patch(`${mounted.baseUrl}/database`, '{"maxConcurrent": 25}');
    expect(response).toMatchObject({
      status: 200,
      body: { previousMaxConcurrent: 10, bulkhead: { maxConcurrent: 25 } },
    });
    expect(registry.get('database')).toBe(database);
    expect(database.getState().maxConcurrent).toBe(25);
    const viaPost = await call(`${mounted.baseUrl}/database`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"maxConcurrent": 10}',
    });
    expect(viaPost.body.bulkhead.maxConcurrent).toBe(10);
  });

  it('401 without or with a wrong token, and nothing changes', async () => {
    const missing = await patch(`${mounted.baseUrl}/database`, '{"maxConcurrent": 3}', null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(
      (await patch(`${mounted.baseUrl}/database`, '{"maxConcurrent": 3}', 'wrong-token-wrong-token')).status,
    ).toBe(401);
    expect((await patch(`${mounted.baseUrl}/database`, '{"maxConcurrent": 3}', `${TOKEN}x`)).status).toBe(
      401,
    );
    expect(registry.get('database').getState().maxConcurrent).toBe(10);
  });

  it.each([
    ['{ not json', 'invalid_json'],
    ['[1]', 'invalid_body'],
    ['{"maxConcurrent": 0}', 'invalid_max_concurrent'],
    ['{"maxConcurrent": 2.5}', 'invalid_max_concurrent'],
    ['{"maxConcurrent": "9"}', 'invalid_max_concurrent'],
    ['{"maxConcurrent": 4, "maxQueue": 1}', 'invalid_body'],
  ])('400 for body %s', async (body, code) => {
    const response = await patch(`${mounted.baseUrl}/cache`, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    expect(typeof response.body.error.message).toBe('string');
  });

  it('404 for an unknown compartment or route, 405 for other methods, 409 for a non-resizable compartment', async () => {
    expect((await patch(`${mounted.baseUrl}/payments`, '{"maxConcurrent": 2}')).status).toBe(404);
    expect((await call(`${mounted.baseUrl}/database/extra`)).status).toBe(404);
    const deleted = await call(`${mounted.baseUrl}/database`, { method: 'DELETE' });
    expect(deleted.status).toBe(405);
    expect(deleted.headers.get('allow')).toBe('GET, PATCH, POST');
    expect((await patch(`${mounted.baseUrl}/fixed`, '{"maxConcurrent": 2}')).status).toBe(409);
  });

  it('413 for an oversized body', async () => {
    const response = await patch(
      `${mounted.baseUrl}/cache`,
      JSON.stringify({ maxConcurrent: 1, pad: 'x'.repeat(20_000) }),
    );
    expect(response.status).toBe(413);
  });
});

describe('admin API options and gating', () => {
  let mounted: Mounted | undefined;
  afterEach(async () => {
    await mounted?.close();
    mounted = undefined;
  });

  it('protectReads requires the token for GET too', async () => {
    const registry = new ProBulkheadRegistry({
      env: {},
      logger: silentLogger,
      configEvents: new ConfigEventBus(),
    });
    mounted = await mountPlain(createAdminHandler({ registry, token: TOKEN, protectReads: true }));
    expect((await call(mounted.baseUrl)).status).toBe(401);
    const authorized = await call(mounted.baseUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(authorized.status).toBe(200);
  });

  it('serves the process-wide registry by default', async () => {
    mounted = await mountPlain(createAdminHandler({ token: TOKEN }));
    expect(Object.keys((await call(mounted.baseUrl)).body.bulkheads)).toContain('message_queue');
  });

  it('never leaks a stack trace: internal failures are a plain 500', async () => {
    const registry = new ProBulkheadRegistry({
      env: {},
      logger: silentLogger,
      configEvents: new ConfigEventBus(),
    });
    const broken = Object.assign(Object.create(registry) as ProBulkheadRegistry, {
      getAllStates: () => {
        throw new Error('database password is hunter2');
      },
    });
    mounted = await mountPlain(createAdminHandler({ registry: broken, token: TOKEN }));
    const response = await call(mounted.baseUrl);
    expect(response).toEqual(
      expect.objectContaining({
        status: 500,
        body: { error: { code: 'internal_error', message: 'internal error' } },
      }),
    );
  });

  it.each<[unknown, ErrorConstructor, string]>([
    [null, TypeError, 'options must be an object'],
    [{ token: 42 }, TypeError, 'options.token must be a string'],
    [{ token: 'short' }, RangeError, 'options.token must be at least 16 characters long'],
    [{ token: TOKEN, registry: {} }, TypeError, 'options.registry must implement BulkheadRegistryLike'],
    [{ token: TOKEN, basePath: 'admin' }, TypeError, "options.basePath must be a string starting with '/'"],
    [{ token: TOKEN, protectReads: 'yes' }, TypeError, 'options.protectReads must be a boolean'],
    [
      { token: TOKEN, protectRead: true },
      TypeError,
      'options.protectRead is not a known option; did you mean protectReads?',
    ],
    [
      { token: TOKEN, basepath: '/admin' },
      TypeError,
      'options.basepath is not a known option; did you mean basePath?',
    ],
  ])('validates %j', (options, type, message) => {
    expect(() => createAdminHandler(options as AdminHandlerOptions)).toThrow(type);
    expect(() => createAdminHandler(options as AdminHandlerOptions)).toThrow(message);
  });

  it('without the admin_api entitlement every request gets 501 and the feature is reported once', async () => {
    resetProStateForTesting();
    const logs = captureLogs();
    await init({ logger: logs.logger, env: {} });
    mounted = await mountPlain(createAdminHandler({ token: TOKEN }));
    const response = await call(mounted.baseUrl);
    expect(response.status).toBe(501);
    expect(response.body.error.code).toBe('pro_feature_unavailable');
    expect((await patch(`${mounted.baseUrl}/database`, '{"maxConcurrent": 2}')).status).toBe(501);
    expect(logs.events('entitlement.pro_feature_unavailable')).toHaveLength(1);
    await entitleForTesting();
  });
});
