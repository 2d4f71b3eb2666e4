import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { afterEach, describe, expect, it } from 'vitest';
import { withBulkhead } from './node-http-handler.js';
import { type Deferred, deferred, get, listen, nextEvent, until } from './test-support/http-test-kit.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

interface Held {
  entered: Deferred;
  gate: Deferred;
  signal?: AbortSignal;
}

async function startHeldServer(options: { maxConcurrent: number; waitTimeout?: number }) {
  const bulkhead = new SemaphoreBulkhead('orders', { maxConcurrent: options.maxConcurrent });
  const held: Held[] = [];
  const arrivals: Deferred<Held>[] = [deferred<Held>()];
  const listener = withBulkhead(
    async (_request: IncomingMessage, response: ServerResponse, { signal }) => {
      const entry: Held = { entered: deferred(), gate: deferred(), signal };
      held.push(entry);
      arrivals[held.length - 1]?.resolve(entry);
      arrivals.push(deferred<Held>());
      await entry.gate.promise;
      if (!response.destroyed) response.end('ok');
    },
    { bulkhead, ...(options.waitTimeout === undefined ? {} : { waitTimeout: options.waitTimeout }) },
  );
  const server = createServer(listener);
  const { port, close } = await listen(server);
  closers.push(async () => {
    for (const entry of held) entry.gate.resolve();
    listener.guard.dispose();
    await close();
  });
  return { bulkhead, port, held, arrival: (index: number) => arrivals[index]?.promise ?? Promise.reject() };
}

describe('withBulkhead (node:http)', () => {
  it('admits up to the limit, rejects the next request with a 503 problem, then admits again', async () => {
    const { bulkhead, port, arrival } = await startHeldServer({ maxConcurrent: 1 });
    const first = get(port, '/orders/1');
    const holder = await arrival(0);

    const rejected = await get(port, '/orders/2?secret=1').result;
    expect(rejected.status).toBe(503);
    expect(rejected.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(Number(rejected.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const problem = JSON.parse(rejected.body) as Record<string, unknown>;
    expect(problem).toMatchObject({
      title: 'Service Unavailable',
      status: 503,
      compartment: 'orders',
      reason: 'queue_full',
      instance: '/orders/2',
    });
    expect(Object.keys(problem)).not.toContain('stack');
    expect(rejected.body).not.toMatch(/\n\s+at /);
    expect(rejected.body).not.toContain('secret');

    const finished = nextEvent(bulkhead, 'finished');
    holder.gate.resolve();
    expect((await first.result).body).toBe('ok');
    expect((await finished).outcome).toBe('success');
    expect(bulkhead.activeCount).toBe(0);
    const again = get(port, '/orders/3');
    (await arrival(1)).gate.resolve();
    expect((await again.result).status).toBe(200);
  });

  it('releases the permit exactly once when the client disconnects, and aborts the handler signal', async () => {
    const { bulkhead, port, arrival } = await startHeldServer({ maxConcurrent: 1 });
    const finishedEvents: string[] = [];
    bulkhead.on('finished', (event) => finishedEvents.push(event.outcome));
    const pending = get(port, '/slow');
    const holder = await arrival(0);
    const released = nextEvent(bulkhead, 'finished');
    pending.disconnect();
    await released;
    expect(holder.signal?.aborted).toBe(true);
    expect(bulkhead.activeCount).toBe(0);
    holder.gate.resolve();
    // A later request is admitted and completes; the disconnected one never released twice.
    const next = get(port, '/next');
    (await arrival(1)).gate.resolve();
    await next.result;
    expect(finishedEvents).toEqual(['failure', 'success']);
  });

  it('releases the permit when the response fails with an error', async () => {
    const bulkhead = new SemaphoreBulkhead('broken', { maxConcurrent: 1 });
    const listener = withBulkhead(
      (_request, response) => {
        response.on('error', () => undefined);
        response.write('partial');
        response.destroy(new Error('socket went bad'));
      },
      { bulkhead },
    );
    const { port, close } = await listen(createServer(listener));
    closers.push(close);
    const finished = nextEvent(bulkhead, 'finished');
    get(port, '/');
    expect((await finished).outcome).toBe('failure');
    expect(bulkhead.activeCount).toBe(0);
  });

  it('answers a bare 500 when the handler throws, and releases its permit', async () => {
    const bulkhead = new SemaphoreBulkhead('throws', { maxConcurrent: 1 });
    const listener = withBulkhead(
      () => {
        throw new Error('handler bug with internal detail');
      },
      { bulkhead },
    );
    const { port, close } = await listen(createServer(listener));
    closers.push(close);
    const finished = nextEvent(bulkhead, 'finished');
    const result = await get(port, '/').result;
    expect(result.status).toBe(500);
    expect(result.body).toBe('');
    expect((await finished).outcome).toBe('failure');
    expect(bulkhead.activeCount).toBe(0);
  });

  it('with waitTimeout, queues in FIFO order and admits the waiter when a permit frees', async () => {
    const { bulkhead, port, arrival } = await startHeldServer({ maxConcurrent: 1, waitTimeout: 60_000 });
    const first = get(port, '/a');
    const holder = await arrival(0);
    const queued = nextEvent(bulkhead, 'permitted');
    const second = get(port, '/b');
    // The second request is queued, not rejected.
    await until(() => bulkhead.waitingCount === 1);
    holder.gate.resolve();
    await first.result;
    await queued;
    (await arrival(1)).gate.resolve();
    expect((await second.result).status).toBe(200);
  });

  it('with waitTimeout, a client that disconnects while queued leaves the queue without a permit', async () => {
    const { bulkhead, port, arrival } = await startHeldServer({ maxConcurrent: 1, waitTimeout: 60_000 });
    get(port, '/a');
    const holder = await arrival(0);
    const rejectedEvent = nextEvent(bulkhead, 'rejected');
    const second = get(port, '/b');
    await until(() => bulkhead.waitingCount === 1);
    second.disconnect();
    expect((await rejectedEvent).reason).toBe('aborted');
    expect(bulkhead.waitingCount).toBe(0);
    expect(bulkhead.activeCount).toBe(1);
    holder.gate.resolve();
  });

  it('rejects a misspelled option, naming the key and the closest valid name', () => {
    const bulkhead = new SemaphoreBulkhead('misspelled');
    expect(() => withBulkhead(() => undefined, { bulkhead, maxRetryAftr: 5 } as never)).toThrow(
      new TypeError('options.maxRetryAftr is not a known option; did you mean maxRetryAfter?'),
    );
  });

  it('rejects a non-function handler', () => {
    const bulkhead = new SemaphoreBulkhead('x');
    expect(() => withBulkhead(42 as never, { bulkhead })).toThrow(
      new TypeError('handler must be a function, got number 42'),
    );
  });
});

describe('README example (node:http)', () => {
  it('wraps a plain handler', async () => {
    // README: node:http
    const bulkhead = new SemaphoreBulkhead('downloads', { maxConcurrent: 8 });
    const server = createServer(
      withBulkhead(
        async (_request, response, { signal }) => {
          const body = await Promise.resolve(signal.aborted ? '' : 'file contents');
          response.end(body);
        },
        { bulkhead, waitTimeout: 2000 },
      ),
    );
    // end README
    const { port, close } = await listen(server);
    closers.push(close);
    expect((await get(port, '/file').result).body).toBe('file contents');
  });
});
