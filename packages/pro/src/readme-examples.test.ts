// Each README example, run as written (with test doubles for the user's database, cache and servers).
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getBulkheadRegistry, init } from '@x/bulkhead-core';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminHandler } from './admin/admin-handler.js';
import { drain } from './drain.js';
import { configureProRegistry } from './pro-services.js';
import { bulkheadForCache, bulkheadForDatabase } from './registry/compartment-decorators.js';
import { getForDatabase, getProRegistry } from './registry/compartment-lookup.js';
import { CONFIG_UPDATED, getConfigEventBus } from './registry/config-events.js';
import { entitleForTesting, resetProStateForTesting } from './test-support/entitle.js';
import { captureLogs } from './test-support/license-fixtures.js';
import { createTestLicense, resetProForTesting, trustKeysForTesting } from './testing.js';

const db = { query: async (sql: string) => [{ sql }] };
const replicaPool = db;
const redis = { get: async (id: string) => `session ${id}` };

afterEach(() => resetProStateForTesting());

describe('README examples', () => {
  it('Activation', async () => {
    const { licenseKey, publicKey } = await createTestLicense({ licensee: 'Acme Corp' });
    trustKeysForTesting([publicKey]);
    const logs = captureLogs();
    const entitlement = await init({ licenseKey, logger: logs.logger });
    expect(entitlement).toMatchObject({ tier: 'pro', licensee: 'Acme Corp', features: ['*'] });
    const database = getBulkheadRegistry().get('database');
    expect(await database.execute(() => db.query('select 1'))).toEqual([{ sql: 'select 1' }]);
  });

  it('Testing your application with PRO', async () => {
    const { licenseKey, publicKey } = await createTestLicense({ features: ['pro_registry', 'drain'] });
    trustKeysForTesting([publicKey]);
    const entitlement = await init({ licenseKey, logger: captureLogs().logger });
    expect(entitlement).toMatchObject({
      tier: 'pro',
      testKey: true,
      licensee: 'Test Licensee',
      features: ['pro_registry', 'drain'],
    });
    const registry = getProRegistry();
    expect(registry?.closed).toBe(false);
    resetProForTesting();
    expect(registry?.closed).toBe(true);
  });

  it('The PRO registry', async () => {
    await entitleForTesting();
    const sql = 'select 2';
    const replica = getForDatabase('replica');
    await replica.execute(() => replicaPool.query(sql));

    class Users {
      @bulkheadForDatabase('replica', { timeout: 500, fallback: () => [] })
      async list() {
        return replicaPool.query('select * from users');
      }
    }
    const readSession = bulkheadForCache('session')((id: string) => redis.get(id));
    getProRegistry()?.getOrCreate('reports', { maxConcurrent: 2 });

    expect(await new Users().list()).toEqual([{ sql: 'select * from users' }]);
    expect(await readSession('s1')).toBe('session s1');
    expect(getBulkheadRegistry().listNames()).toEqual(
      expect.arrayContaining(['database:replica', 'cache:session', 'reports']),
    );
  });

  it('Settings', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'bulkhead-readme-'));
    const settingsFile = path.join(directory, 'bulkheads.json');
    writeFileSync(settingsFile, JSON.stringify({ cache: { maxConcurrent: 8 } }));
    configureProRegistry({
      settings: {
        database: { maxConcurrent: 20 },
        databases: { replica: { maxConcurrent: 40 } },
        caches: { session: { maxConcurrent: 5 } },
        compartments: {
          thumbnails: { type: 'thread_pool', workerFilename: './thumbnail-worker.js', maxConcurrent: 2 },
        },
      },
      settingsFile,
      watchSettingsFile: true,
      env: {},
    });
    await entitleForTesting();
    const registry = getProRegistry();
    expect(registry?.get('database').getState().maxConcurrent).toBe(20);
    expect(registry?.get('cache').getState().maxConcurrent).toBe(8);
    expect(registry?.getForDatabase('replica').getState().maxConcurrent).toBe(40);
    expect(registry?.getForCache('session').getState().maxConcurrent).toBe(5);
  });

  it('Live reconfiguration', async () => {
    await entitleForTesting();
    const database = getBulkheadRegistry().get('database');
    getProRegistry()?.applySettings({ database: { maxConcurrent: 40 } });
    expect(database.getState().maxConcurrent).toBe(40);
    getConfigEventBus().emit(CONFIG_UPDATED, { settings: { database: { maxConcurrent: 30 } } });
    expect(getBulkheadRegistry().get('database')).toBe(database);
    expect(database.getState().maxConcurrent).toBe(30);
  });

  it('Shutdown: drain', async () => {
    await entitleForTesting();
    const server = { close: () => undefined };
    const process = new EventEmitter(); // stands in for the real process, whose SIGTERM the test runner owns
    const done = new Promise<{ status: string }>((resolve) => {
      process.once('SIGTERM', async () => {
        const { status, busy } = await drain({ timeout: 10_000 });
        server.close();
        resolve({ status, busy } as { status: string });
      });
    });
    process.emit('SIGTERM');
    expect(await done).toEqual({ status: 'drained', busy: [] });
  });

  it('Admin API', async () => {
    await entitleForTesting();
    process.env.BULKHEAD_ADMIN_TOKEN = 'readme-admin-token-0123456789';
    const admin = createAdminHandler({ token: process.env.BULKHEAD_ADMIN_TOKEN! });
    const plain = createServer(admin).listen(0, '127.0.0.1');
    const app = express().use('/admin/bulkheads', admin);
    const expressServer = createServer(app).listen(0, '127.0.0.1');
    const fastify = Fastify();
    const fastifyAdmin = createAdminHandler({
      token: process.env.BULKHEAD_ADMIN_TOKEN!,
      basePath: '/admin/bulkheads',
    });
    await fastify.register(async (instance) => {
      instance.removeAllContentTypeParsers();
      instance.addContentTypeParser('*', (_request, _payload, done) => done(null));
      const route = (
        request: { raw: Parameters<typeof admin>[0] },
        reply: { hijack(): void; raw: Parameters<typeof admin>[1] },
      ) => {
        reply.hijack();
        fastifyAdmin(request.raw, reply.raw);
      };
      instance.all('/admin/bulkheads', route);
      instance.all('/admin/bulkheads/*', route);
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    await Promise.all(
      [plain, expressServer].map(
        (server) =>
          new Promise((resolve) =>
            server.listening ? resolve(undefined) : server.once('listening', resolve),
          ),
      ),
    );
    const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port;
    try {
      for (const url of [
        `http://127.0.0.1:${port(plain)}/database`,
        `http://127.0.0.1:${port(expressServer)}/admin/bulkheads/database`,
        `http://127.0.0.1:${port(fastify.server)}/admin/bulkheads/database`,
      ]) {
        const response = await fetch(url, {
          method: 'PATCH',
          headers: {
            authorization: `Bearer ${process.env.BULKHEAD_ADMIN_TOKEN}`,
            'content-type': 'application/json',
          },
          body: '{"maxConcurrent": 12}',
        });
        expect(response.status).toBe(200);
      }
    } finally {
      delete process.env.BULKHEAD_ADMIN_TOKEN;
      await new Promise((resolve) => plain.close(resolve));
      await new Promise((resolve) => expressServer.close(resolve));
      await fastify.close();
    }
  });
});
