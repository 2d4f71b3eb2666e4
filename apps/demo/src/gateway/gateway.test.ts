import { register } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type DemoEnvironment, startDemoEnvironment } from '../demo-environment.js';
import { httpGet, waitUntil } from '../test-support/http-get.js';
import { testConfig } from '../test-support/test-config.js';

let environment: DemoEnvironment | undefined;
const abandoned: AbortController[] = [];

afterEach(async () => {
  for (const controller of abandoned.splice(0)) controller.abort();
  await environment?.close();
  environment = undefined;
});

/** Sends a request the test never waits for; aborted after the test. */
function fireAndForget(url: string): Promise<unknown> {
  const controller = new AbortController();
  abandoned.push(controller);
  return httpGet(url, { signal: controller.signal }).catch(() => undefined);
}

describe('gateway with bulkheads', () => {
  it('keeps user, inventory and cpu answering while payment is saturated, and rejects payment overflow with 503', async () => {
    environment = await startDemoEnvironment(testConfig());
    await environment.useMode('bulkheads');
    const { gateway, downstreams, registry } = environment;
    downstreams.setFaults('payment', { latencyMs: 3_600_000 });
    const payment = registry.get('payment');

    for (let index = 0; index < 3; index++) void fireAndForget(`${gateway.url}/api/payment`);
    await waitUntil(() => payment.getState().activeCount === 2 && payment.getState().waitingCount === 1, {
      what: 'payment to hold 2 calls and queue 1',
    });

    const overflow = await httpGet(`${gateway.url}/api/payment`);
    expect(overflow.status).toBe(503);
    expect(overflow.headers['retry-after']).toMatch(/^\d+$/);
    expect(overflow.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(overflow.body)).toMatchObject({
      status: 503,
      compartment: 'payment',
      reason: 'queue_full',
    });

    for (const route of ['user', 'inventory', 'cpu']) {
      const response = await httpGet(`${gateway.url}/api/${route}`);
      expect(response.status, route).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ route });
    }

    const states = JSON.parse((await httpGet(`${gateway.url}/bulkheads`)).body);
    expect(states.mode).toBe('bulkheads');
    expect(states.compartments.map((state: { name: string }) => state.name)).toEqual([
      'payment',
      'user',
      'inventory',
      'cpu',
    ]);
    expect(states.compartments[0]).toMatchObject({ activeCount: 2, waitingCount: 1, rejectedCount: 1 });
    expect(states.compartments[3]).toMatchObject({ type: 'thread_pool' });
    expect(states.faults.payment.latencyMs).toBe(3_600_000);

    const metrics = await httpGet(`${gateway.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/bulkhead_active_calls\{[^}]*bulkhead="payment"[^}]*\} 2/);
    expect(metrics.body).toMatch(
      /bulkhead_rejections_total\{[^}]*bulkhead="payment"[^}]*reason="queue_full"[^}]*\} 1/,
    );
    expect(metrics.body).toContain('demo_pool_active_sockets');

    const dashboard = await httpGet(`${gateway.url}/dashboard`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers['content-type']).toContain('text/html');
    expect(dashboard.body).toContain('/bulkheads');
    expect(dashboard.body).toContain('<link rel="icon" type="image/svg+xml" href="data:image/svg+xml,');

    const favicon = await httpGet(`${gateway.url}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers['content-type']).toBe('image/svg+xml');
    expect(favicon.body).toMatch(/^<svg /);
  });

  it('rejects CPU work beyond its thread pool with 503 and Retry-After', async () => {
    environment = await startDemoEnvironment(
      testConfig({ cpuIterations: 1e12, cpuWorkers: 1, queueSize: 1 }),
    );
    await environment.useMode('bulkheads');
    const { gateway, registry } = environment;
    const cpu = registry.get('cpu');
    void fireAndForget(`${gateway.url}/api/cpu`);
    void fireAndForget(`${gateway.url}/api/cpu`);
    await waitUntil(() => cpu.getState().activeCount === 1 && cpu.getState().waitingCount === 1, {
      what: 'one CPU task to run and one to queue',
    });
    const overflow = await httpGet(`${gateway.url}/api/cpu`);
    expect(overflow.status).toBe(503);
    expect(overflow.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(overflow.body)).toMatchObject({
      compartment: 'cpu',
      reason: 'queue_full',
      instance: '/api/cpu',
    });
    expect((await httpGet(`${gateway.url}/api/user`)).status).toBe(200);
  });

  it('keeps its metrics out of the global prom-client registry', async () => {
    environment = await startDemoEnvironment(testConfig());
    await environment.useMode('bulkheads');
    expect(await environment.gateway.metrics.render()).toContain('bulkhead_active_calls');
    expect(await register.metrics()).not.toContain('bulkhead_');
  });

  it('answers 404 for unknown routes and 503 on /api between runs', async () => {
    environment = await startDemoEnvironment(testConfig());
    expect((await httpGet(`${environment.gateway.url}/api/user`)).status).toBe(503);
    await environment.useMode('bulkheads');
    expect((await httpGet(`${environment.gateway.url}/api/nope`)).status).toBe(404);
    expect((await httpGet(`${environment.gateway.url}/nope`)).status).toBe(404);
  });
});

describe('gateway without bulkheads', () => {
  it('queues user calls behind hung payment calls in the one shared socket pool', async () => {
    environment = await startDemoEnvironment(testConfig({ poolSize: 2 }));
    await environment.useMode('shared');
    const { gateway, downstreams } = environment;
    expect(environment.registry.listNames()).toEqual([]);
    downstreams.setFaults('payment', { latencyMs: 3_600_000 });

    const paymentCallers = [new AbortController(), new AbortController()];
    for (const controller of paymentCallers) {
      void httpGet(`${gateway.url}/api/payment`, { signal: controller.signal }).catch(() => undefined);
    }
    await waitUntil(() => downstreams.pendingCount('payment') === 2, { what: 'both payment calls to hang' });
    expect(gateway.status().pool).toMatchObject({ maxSockets: 2, activeSockets: 2 });

    let userSettled = false;
    const user = httpGet(`${gateway.url}/api/user`).finally(() => {
      userSettled = true;
    });
    await waitUntil(() => gateway.status().pool?.queuedRequests === 1, { what: 'the user call to queue' });
    expect(userSettled).toBe(false);
    expect(downstreams.pendingCount('user')).toBe(0);

    paymentCallers[0]?.abort();
    const answer = await user;
    expect(answer.status).toBe(200);
    paymentCallers[1]?.abort();
  });

  it('runs the CPU route on the event loop', async () => {
    environment = await startDemoEnvironment(testConfig());
    await environment.useMode('shared');
    const response = await httpGet(`${environment.gateway.url}/api/cpu`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).result).toEqual(expect.any(Number));
    expect(JSON.parse((await httpGet(`${environment.gateway.url}/bulkheads`)).body)).toMatchObject({
      mode: 'shared',
      compartments: [],
      pool: { maxSockets: 256 },
    });
  });
});
