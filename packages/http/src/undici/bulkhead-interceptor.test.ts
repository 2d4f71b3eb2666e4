import { BulkheadFullError, BulkheadTimeoutError, SemaphoreBulkhead } from '@x/bulkhead-core';
import { Agent, getGlobalDispatcher, Pool, request, setGlobalDispatcher, fetch as undiciFetch } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../test-support/http-test-kit.js';
import { bulkheadInterceptor } from './bulkhead-interceptor.js';
import { type StreamingOrigin, startStreamingOrigin } from './test-support/streaming-server.js';

let server: StreamingOrigin;
const agents: Agent[] = [];

beforeEach(async () => {
  server = await startStreamingOrigin();
});

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.destroy();
  await server.close();
});

function guardedAgent(
  bulkhead: SemaphoreBulkhead,
  options: { timeout?: number; bodyIdleTimeout?: number } = {},
) {
  const agent = new Agent();
  agents.push(agent);
  return agent.compose(bulkheadInterceptor({ bulkheadFor: () => bulkhead, ...options }));
}

describe('bulkheadInterceptor: the permit covers the whole response', () => {
  it('a slowly streamed body keeps its permit until its last byte has been read', async () => {
    const bulkhead = new SemaphoreBulkhead('slow-body', { maxConcurrent: 1 });
    const dispatcher = guardedAgent(bulkhead);
    const response = await undiciFetch(`${server.origin}/held/a`, { dispatcher });
    // Headers are here and the fetch promise has resolved, but the body still streams.
    expect(response.status).toBe(200);
    expect(bulkhead.activeCount).toBe(1);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('first;');
    expect(bulkhead.activeCount).toBe(1);
    server.finish('a');
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += Buffer.from(chunk.value).toString();
    }
    expect(rest).toBe('last');
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, successfulCalls: 1, failedCalls: 0 });
  });

  it('never lets more requests than the limit reach the origin, bodies included', async () => {
    const bulkhead = new SemaphoreBulkhead('limit', { maxConcurrent: 2 });
    const dispatcher = guardedAgent(bulkhead, { timeout: Number.POSITIVE_INFINITY });
    const ids = ['1', '2', '3', '4', '5'];
    const bodies = ids.map((id) =>
      undiciFetch(`${server.origin}/held/${id}`, { dispatcher }).then((r) => r.text()),
    );
    await server.started('1');
    await server.started('2');
    await until(() => bulkhead.waitingCount === 3);
    expect(server.open.now).toBe(2);
    for (const id of ids) server.finish(id);
    expect(await Promise.all(bodies)).toEqual(ids.map(() => 'first;last'));
    expect(server.open.max).toBe(2);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, successfulCalls: 5 });
  });

  it('counts a 5xx response as a failure of the dependency', async () => {
    const bulkhead = new SemaphoreBulkhead('five-hundred', { maxConcurrent: 1 });
    const response = await undiciFetch(`${server.origin}/error`, { dispatcher: guardedAgent(bulkhead) });
    expect(await response.text()).toBe('unavailable');
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, successfulCalls: 0, failedCalls: 1 });
  });
});

describe('bulkheadInterceptor: rejections and aborts', () => {
  it('a full compartment fails fetch with BulkheadFullError as its cause, never a bare network error', async () => {
    const bulkhead = new SemaphoreBulkhead('full', { maxConcurrent: 1 });
    const dispatcher = guardedAgent(bulkhead);
    const holder = await undiciFetch(`${server.origin}/held/h`, { dispatcher });
    const rejected = await undiciFetch(`${server.origin}/ok`, { dispatcher }).catch(
      (error: unknown) => error,
    );
    expect(rejected).toBeInstanceOf(TypeError);
    const cause = (rejected as TypeError).cause;
    expect(BulkheadFullError.isInstance(cause)).toBe(true);
    expect(cause).toMatchObject({ bulkheadName: 'full', reason: 'queue_full' });
    expect(server.open.max).toBe(1);
    server.finish('h');
    await holder.text();
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, rejectedCount: 1 });
  });

  it('undici.request rejects with the BulkheadFullError itself', async () => {
    const bulkhead = new SemaphoreBulkhead('full-request', { maxConcurrent: 1 });
    const dispatcher = guardedAgent(bulkhead);
    const holder = await request(`${server.origin}/held/r`, { dispatcher });
    await expect(request(`${server.origin}/ok`, { dispatcher })).rejects.toSatisfy(
      BulkheadFullError.isInstance,
    );
    server.finish('r');
    await holder.body.text();
    expect(bulkhead.activeCount).toBe(0);
  });

  it("a request's AbortSignal takes it out of the bulkhead's queue", async () => {
    const bulkhead = new SemaphoreBulkhead('abort-queued', { maxConcurrent: 1 });
    const dispatcher = guardedAgent(bulkhead, { timeout: Number.POSITIVE_INFINITY });
    const holder = await undiciFetch(`${server.origin}/held/q`, { dispatcher });
    const controller = new AbortController();
    const queued = undiciFetch(`${server.origin}/ok`, { dispatcher, signal: controller.signal });
    await until(() => bulkhead.waitingCount === 1);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(bulkhead.getState()).toMatchObject({ waitingCount: 0, activeCount: 1 });
    server.finish('q');
    await holder.text();
    expect(bulkhead.activeCount).toBe(0);
    expect(server.open.max).toBe(1);
  });

  it('aborting while the body streams releases the permit once', async () => {
    const bulkhead = new SemaphoreBulkhead('abort-body', { maxConcurrent: 1 });
    const controller = new AbortController();
    const response = await undiciFetch(`${server.origin}/held/b`, {
      dispatcher: guardedAgent(bulkhead),
      signal: controller.signal,
    });
    expect(bulkhead.activeCount).toBe(1);
    controller.abort();
    await expect(response.text()).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => bulkhead.activeCount === 0);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, failedCalls: 1, successfulCalls: 0 });
  });

  it('a request whose wait times out fails with the queue_timeout rejection', async () => {
    const bulkhead = new SemaphoreBulkhead('wait-timeout', { maxConcurrent: 1 });
    const dispatcher = guardedAgent(bulkhead, { timeout: 1 });
    const holder = await request(`${server.origin}/held/t`, { dispatcher });
    await expect(request(`${server.origin}/ok`, { dispatcher })).rejects.toMatchObject({
      code: 'BULKHEAD_FULL',
      reason: 'queue_timeout',
    });
    server.finish('t');
    await holder.body.text();
    expect(bulkhead.activeCount).toBe(0);
  });
});

describe('bulkheadInterceptor: bodies nobody reads', () => {
  it('an unread body gives its permit back after bodyIdleTimeout and the body errors with BulkheadTimeoutError', async () => {
    const bulkhead = new SemaphoreBulkhead('unread', { maxConcurrent: 1 });
    const outcomes: string[] = [];
    bulkhead.on('finished', ({ outcome }) => outcomes.push(outcome));
    const response = await request(`${server.origin}/large`, {
      dispatcher: guardedAgent(bulkhead, { bodyIdleTimeout: 20 }),
    });
    expect(response.statusCode).toBe(200);
    // Nobody reads: undici stops the stream, no byte arrives, the idle timer ends the response.
    await until(() => bulkhead.activeCount === 0);
    expect(outcomes).toEqual(['timeout']);
    await expect(response.body.text()).rejects.toSatisfy(BulkheadTimeoutError.isInstance);
  });
});

describe('bulkheadInterceptor: every way of dispatching', () => {
  it('works with fetch(url, { dispatcher }) on Node’s own fetch', async () => {
    const bulkhead = new SemaphoreBulkhead('node-fetch', { maxConcurrent: 1 });
    const response = await fetch(`${server.origin}/ok`, {
      dispatcher: guardedAgent(bulkhead),
    } as unknown as RequestInit);
    expect(await response.text()).toBe('ok');
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, successfulCalls: 1 });
  });

  it('works through setGlobalDispatcher for undici.fetch and Node’s fetch', async () => {
    const bulkhead = new SemaphoreBulkhead('global', { maxConcurrent: 1 });
    const previous = getGlobalDispatcher();
    setGlobalDispatcher(guardedAgent(bulkhead));
    try {
      expect(await (await undiciFetch(`${server.origin}/ok`)).text()).toBe('ok');
      expect(await (await fetch(`${server.origin}/ok`)).text()).toBe('ok');
    } finally {
      setGlobalDispatcher(previous);
    }
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, successfulCalls: 2 });
  });

  it('works with a Pool', async () => {
    const bulkhead = new SemaphoreBulkhead('pool', { maxConcurrent: 1 });
    const pool = new Pool(server.origin, { connections: 4 });
    try {
      const dispatcher = pool.compose(bulkheadInterceptor({ bulkheadFor: () => bulkhead }));
      const { body } = await dispatcher.request({ path: '/ok', method: 'GET' });
      expect(await body.text()).toBe('ok');
    } finally {
      await pool.destroy();
    }
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, successfulCalls: 1 });
  });

  it('lets a request through unguarded when bulkheadFor returns undefined', async () => {
    const agent = new Agent();
    agents.push(agent);
    const dispatcher = agent.compose(bulkheadInterceptor({ bulkheadFor: () => undefined }));
    expect(await (await undiciFetch(`${server.origin}/ok`, { dispatcher })).text()).toBe('ok');
  });
});
