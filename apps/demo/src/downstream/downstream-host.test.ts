import { afterEach, describe, expect, it } from 'vitest';
import { httpGet, waitUntil } from '../test-support/http-get.js';
import { type DownstreamHost, startDownstreamHost } from './downstream-host.js';

let host: DownstreamHost | undefined;

afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('startDownstreamHost', () => {
  it('serves payment, user and inventory on one loopback origin', async () => {
    host = await startDownstreamHost({ initialFaults: { latencyMs: 0, jitterMs: 0, errorRate: 0 } });
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const service of ['payment', 'user', 'inventory']) {
      const response = await httpGet(`${host.url}/${service}`);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ service, ok: true });
    }
    expect((await httpGet(`${host.url}/nope`)).status).toBe(404);
  });

  it('injects failures with the configured error rate', async () => {
    host = await startDownstreamHost({
      initialFaults: { latencyMs: 0, jitterMs: 0, errorRate: 0 },
      random: () => 0.5,
    });
    host.setFaults('user', { errorRate: 0.6 });
    expect((await httpGet(`${host.url}/user`)).status).toBe(500);
    expect((await httpGet(`${host.url}/inventory`)).status).toBe(200);
  });

  it('changes faults at run time over HTTP and validates them', async () => {
    host = await startDownstreamHost({ initialFaults: { latencyMs: 0, jitterMs: 0, errorRate: 0 } });
    const changed = await httpGet(`${host.url}/_faults/payment`, {
      method: 'PUT',
      body: '{"latencyMs":60000}',
    });
    expect(changed.status).toBe(200);
    expect(JSON.parse(changed.body)).toEqual({ latencyMs: 60_000, jitterMs: 0, errorRate: 0 });
    expect(host.getFaults('payment').latencyMs).toBe(60_000);
    expect(JSON.parse((await httpGet(`${host.url}/_faults/payment`)).body).latencyMs).toBe(60_000);
    const invalid = await httpGet(`${host.url}/_faults/payment`, { method: 'PUT', body: '{"errorRate":2}' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('errorRate must be <= 1');
  });

  it('holds hanging requests until close() drops them', async () => {
    host = await startDownstreamHost({ initialFaults: { latencyMs: 0, jitterMs: 0, errorRate: 0 } });
    host.setFaults('payment', { latencyMs: 3_600_000 });
    const hanging = httpGet(`${host.url}/payment`).then(
      () => 'answered',
      () => 'dropped',
    );
    const current = host;
    await waitUntil(() => current.pendingCount('payment') === 1, { what: 'the payment request to arrive' });
    await host.close();
    host = undefined;
    expect(await hanging).toBe('dropped');
    expect(current.pendingCount('payment')).toBe(0);
  });
});
