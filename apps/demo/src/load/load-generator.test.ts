import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertLoopback, runLoad } from './load-generator.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('runLoad', () => {
  it('classifies answers: 2xx ok, 503 + Retry-After rejected, other statuses error, silence timeout', async () => {
    const baseUrl = await listen((request, response) => {
      if (request.url === '/api/user') response.writeHead(200).end('{}');
      else if (request.url === '/api/payment') response.writeHead(503, { 'retry-after': '1' }).end();
      else if (request.url === '/api/inventory') response.writeHead(502).end();
      // /api/cpu never answers
    });
    // The deadlines fire when the test says so: once all 8 requests were sent and the 6 answered
    // ones settled, however slowly the machine delivers them. No wall-clock race.
    const trace: string[] = [];
    const armed: Array<{ fire: () => void; disarmed: boolean }> = [];
    let answered = 0;
    const fireDeadlinesWhenOnlySilenceIsLeft = (): void => {
      if (armed.length < 8 || answered < 6) return;
      for (const deadline of armed.splice(0)) if (!deadline.disarmed) deadline.fire();
    };
    const samples = await runLoad({
      baseUrl,
      routes: [
        { route: 'user', rate: 20 },
        { route: 'payment', rate: 20 },
        { route: 'inventory', rate: 20 },
        { route: 'cpu', rate: 20 },
      ],
      durationMs: 60_000,
      maxRequests: 8,
      timeoutMs: 3_600_000,
      requestTimer: (onTimeout) => {
        const deadline = { fire: onTimeout, disarmed: false };
        armed.push(deadline);
        fireDeadlinesWhenOnlySilenceIsLeft();
        return () => {
          deadline.disarmed = true;
        };
      },
      onSample: (sample) => {
        trace.push(`${sample.route}:${sample.outcome}`);
        if (sample.outcome !== 'timeout') answered++;
        fireDeadlinesWhenOnlySilenceIsLeft();
      },
    });
    expect(samples).toHaveLength(8);
    const outcomes = Object.fromEntries(samples.map((sample) => [sample.route, sample.outcome]));
    expect(outcomes).toEqual({ user: 'ok', payment: 'rejected', inventory: 'error', cpu: 'timeout' });
    expect(trace.slice(6)).toEqual(['cpu:timeout', 'cpu:timeout']);
    for (const sample of samples) expect(sample.latencyMs).toBeGreaterThanOrEqual(0);
    expect(samples.map((sample) => sample.sentAt)).toEqual(
      [...samples.map((sample) => sample.sentAt)].sort((a, b) => a - b),
    );
  });

  it('tells an open breaker (bulkhead-outcome: short_circuited) from a bulkhead rejection', async () => {
    const baseUrl = await listen((request, response) => {
      const headers: Record<string, string> = { 'retry-after': '2' };
      if (request.url === '/api/payment') headers['bulkhead-outcome'] = 'short_circuited';
      response.writeHead(503, headers).end();
    });
    const samples = await runLoad({
      baseUrl,
      routes: [
        { route: 'payment', rate: 20 },
        { route: 'user', rate: 20 },
      ],
      durationMs: 60_000,
      maxRequests: 2,
      timeoutMs: 3_600_000,
    });
    expect(samples.map((sample) => `${sample.route}:${sample.outcome}`).sort()).toEqual([
      'payment:short_circuited',
      'user:rejected',
    ]);
  });

  it('shares a request bound round-robin between routes after a stall', async () => {
    const baseUrl = await listen((_request, response) => response.writeHead(200).end());
    let stalled = false;
    const samples = await runLoad({
      baseUrl,
      routes: [
        { route: 'user', rate: 1000 },
        { route: 'payment', rate: 1000 },
      ],
      durationMs: 60_000,
      maxRequests: 6,
      timeoutMs: 3_600_000,
      schedule: [
        {
          atMs: 0,
          run: () => {
            // Block the event loop for 50 ms: 50 requests per route are due at the next tick.
            const until = performance.now() + 50;
            while (performance.now() < until) stalled = true;
          },
        },
      ],
    });
    expect(stalled).toBe(true);
    expect(samples.filter((sample) => sample.route === 'user')).toHaveLength(3);
    expect(samples.filter((sample) => sample.route === 'payment')).toHaveLength(3);
  });

  it('stops at maxRequests and runs scheduled actions in order', async () => {
    const baseUrl = await listen((_request, response) => response.writeHead(200).end());
    const trace: string[] = [];
    const samples = await runLoad({
      baseUrl,
      routes: [{ route: 'user', rate: 1000 }],
      durationMs: 60_000,
      maxRequests: 5,
      timeoutMs: 10_000,
      schedule: [
        { atMs: 0, run: () => trace.push('second') },
        { atMs: -1, run: () => trace.push('first') },
      ],
    });
    expect(samples).toHaveLength(5);
    expect(trace).toEqual(['first', 'second']);
  });

  it('stops sending when its signal aborts', async () => {
    const baseUrl = await listen((_request, response) => response.writeHead(200).end());
    const controller = new AbortController();
    controller.abort();
    const samples = await runLoad({
      baseUrl,
      routes: [{ route: 'user', rate: 10 }],
      durationMs: 60_000,
      maxRequests: 100,
      timeoutMs: 1000,
      signal: controller.signal,
    });
    expect(samples).toEqual([]);
  });

  it.each([
    ['durationMs', { durationMs: 0 }, 'options.durationMs must be a finite number > 0, got 0'],
    ['maxRequests', { maxRequests: -1 }, 'options.maxRequests must be a finite number > 0, got -1'],
    ['timeoutMs', { timeoutMs: Number.NaN }, 'options.timeoutMs must be a finite number > 0, got NaN'],
    [
      'routes[].rate',
      { routes: [{ route: 'user' as const, rate: -1 }] },
      'options.routes[user].rate must be a finite number >= 0, got -1',
    ],
    [
      'baseUrl',
      { baseUrl: 'http://example.com' },
      'options.baseUrl must be a loopback http URL, got http://example.com',
    ],
  ])('validates options.%s', async (_name, override, message) => {
    const options = {
      baseUrl: 'http://127.0.0.1:1',
      routes: [],
      durationMs: 1,
      maxRequests: 1,
      timeoutMs: 1,
      ...override,
    };
    await expect(runLoad(options)).rejects.toThrow(new RangeError(message));
  });

  it('accepts only loopback targets', () => {
    expect(assertLoopback('http://localhost:3000').port).toBe('3000');
    expect(assertLoopback('http://[::1]:3000').hostname).toBe('[::1]');
    expect(() => assertLoopback('https://127.0.0.1')).toThrow(RangeError);
    expect(() => assertLoopback('http://10.0.0.1')).toThrow(RangeError);
  });
});
