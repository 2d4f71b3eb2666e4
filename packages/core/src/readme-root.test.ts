import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { adaptiveLimit, KeyedBulkhead, PartitionedBulkhead, SemaphoreBulkhead } from './index.js';

// The repository README's core overview, run as written with stand-ins for the application's functions.
const rootReadme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');

describe('root README: core overview', () => {
  it('shows these lines verbatim', () => {
    for (const line of [
      "adaptiveLimit(payments, { algorithm: 'vegas', minLimit: 2, maxLimit: 200 }); // aimd, vegas or gradient2",
      "const database = new PartitionedBulkhead('database', { maxConcurrent: 10, partitions: { live: { share: 0.9 }, batch: { share: 0.1 } } });",
      "await database.execute(() => exportRow(row), { partition: 'batch', timeout: 60_000 }); // batch borrows only idle permits",
      "const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 4, maxQueue: 20 }, maxKeys: 10_000, idleTimeout: 60_000 });",
      'await tenants.execute(tenantId, () => handle(request), { timeout: 1_000 });',
    ]) {
      expect(rootReadme).toContain(line);
    }
  });

  it('works as written', async () => {
    const payments = new SemaphoreBulkhead('payments', { maxConcurrent: 10, maxQueue: 100 });
    const exportRow = (row: number) => row * 2;
    const handle = (request: string) => `handled ${request}`;
    const [row, tenantId, request] = [21, 'tenant-a', 'GET /'];
    const controller = adaptiveLimit(payments, { algorithm: 'vegas', minLimit: 2, maxLimit: 200 });
    const database = new PartitionedBulkhead('database', {
      maxConcurrent: 10,
      partitions: { live: { share: 0.9 }, batch: { share: 0.1 } },
    });
    expect(await database.execute(() => exportRow(row), { partition: 'batch', timeout: 60_000 })).toBe(42);
    const tenants = new KeyedBulkhead('tenants', {
      perKey: { maxConcurrent: 4, maxQueue: 20 },
      maxKeys: 10_000,
      idleTimeout: 60_000,
    });
    expect(await tenants.execute(tenantId, () => handle(request), { timeout: 1_000 })).toBe('handled GET /');
    expect(controller.current).toBe(10);
    controller.stop();
    await Promise.all([tenants.close(), database.close(), payments.close()]);
  });
});
