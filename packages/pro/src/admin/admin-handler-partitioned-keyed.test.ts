import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeyedBulkhead, PartitionedBulkhead, type Permit } from '@x/bulkhead-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigEventBus } from '../registry/config-events.js';
import { ProBulkheadRegistry } from '../registry/pro-registry.js';
import { entitleForTesting, resetProStateForTesting } from '../test-support/entitle.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { createAdminHandler } from './admin-handler.js';

const TOKEN = 'test-admin-token-0123456789';

interface JsonBody {
  bulkheads: Record<string, Record<string, unknown>>;
  bulkhead: Record<string, unknown>;
  error: { code: string };
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: JsonBody }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as JsonBody };
}

describe('the admin API over partitioned and keyed compartments in the PRO registry', () => {
  let server: Server;
  let baseUrl: string;
  const database = new PartitionedBulkhead('reports-db', {
    maxConcurrent: 10,
    partitions: { live: { share: 0.9 }, batch: { share: 0.1 } },
  });
  const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 2 } });
  const held: Permit[] = [];

  beforeAll(async () => {
    await entitleForTesting();
    const registry = new ProBulkheadRegistry({
      env: {},
      logger: silentLogger,
      configEvents: new ConfigEventBus(),
    });
    registry.register(database);
    registry.register(database.partition('batch'));
    registry.register(tenants);
    registry.register(tenants.forKey('acme'));
    held.push(await database.partition('batch').acquire(), await tenants.acquire('acme'));
    server = createServer(createAdminHandler({ registry, token: TOKEN }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const permit of held) permit.release();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    resetProStateForTesting();
  });

  it('GET / lists each partition, each key view and the keyed aggregate; GET /<name> a view (name URL-encoded)', async () => {
    const { status, body } = await call(baseUrl);
    expect(status).toBe(200);
    expect(Object.keys(body.bulkheads)).toEqual(
      expect.arrayContaining(['reports-db', 'reports-db/batch', 'tenants', 'tenants/acme']),
    );
    expect(body.bulkheads['reports-db']).toMatchObject({
      type: 'partitioned',
      activeCount: 1,
      partitions: {
        live: { guaranteed: 9, active: 0 },
        batch: { guaranteed: 1, active: 1, borrowed: 0 },
      },
    });
    expect(body.bulkheads['reports-db/batch']).toMatchObject({ type: 'partitioned', activeCount: 1 });
    expect(body.bulkheads.tenants).toMatchObject({ type: 'keyed', keyCount: 1, activeCount: 1 });
    expect(body.bulkheads['tenants/acme']).toMatchObject({ activeCount: 1, maxConcurrent: 2 });
    expect(await call(`${baseUrl}/tenants%2Facme`)).toMatchObject({
      status: 200,
      body: { bulkhead: { name: 'tenants/acme', activeCount: 1 } },
    });
  });

  it('PATCH resizes the partitioned compartment (guarantees recomputed); a view is not resizable', async () => {
    const patch = (name: string, maxConcurrent: number) =>
      call(`${baseUrl}/${encodeURIComponent(name)}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ maxConcurrent }),
      });
    expect(await patch('reports-db', 20)).toMatchObject({
      status: 200,
      body: {
        bulkhead: { maxConcurrent: 20, partitions: { live: { guaranteed: 18 }, batch: { guaranteed: 2 } } },
      },
    });
    expect(await patch('reports-db/batch', 4)).toMatchObject({
      status: 409,
      body: { error: { code: 'not_resizable' } },
    });
    expect(database.maxConcurrent).toBe(20);
  });
});
