import { createServer } from 'node:http';
import { SemaphoreBulkhead } from '@x/bulkhead-core';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { bulkheadMiddleware } from './express-middleware.js';
import { type Deferred, deferred, get, listen, nextEvent } from './test-support/http-test-kit.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function startApp(maxConcurrent: number) {
  const bulkhead = new SemaphoreBulkhead('reports', { maxConcurrent });
  const protect = bulkheadMiddleware({ bulkhead });
  const entered: Deferred[] = [deferred(), deferred(), deferred()];
  const gate = deferred();
  let arrivals = 0;
  const app = express();
  app.get('/health', (_request, response) => {
    response.send('up');
  });
  app.get('/reports/:id', protect, async (request, response) => {
    entered[arrivals++]?.resolve();
    await gate.promise;
    response.json({ id: request.params.id });
  });
  const { port, close } = await listen(createServer(app));
  closers.push(async () => {
    gate.resolve();
    protect.guard.dispose();
    await close();
  });
  return { bulkhead, port, entered, gate };
}

describe('bulkheadMiddleware (Express 5)', () => {
  it('saturates the compartment, answers 503 problem+json with Retry-After, and leaves other routes alone', async () => {
    const { bulkhead, port, entered, gate } = await startApp(2);
    const first = get(port, '/reports/1');
    const second = get(port, '/reports/2');
    await entered[0]?.promise;
    await entered[1]?.promise;
    expect(bulkhead.activeCount).toBe(2);

    const rejected = await get(port, '/reports/3').result;
    expect(rejected.status).toBe(503);
    expect(rejected.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(rejected.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(rejected.body)).toMatchObject({
      status: 503,
      compartment: 'reports',
      reason: 'queue_full',
    });
    expect((await get(port, '/health').result).body).toBe('up');

    gate.resolve();
    expect(JSON.parse((await first.result).body)).toEqual({ id: '1' });
    expect(JSON.parse((await second.result).body)).toEqual({ id: '2' });
    expect(bulkhead.activeCount).toBe(0);
  });

  it('releases the permit exactly once when the client disconnects mid-request', async () => {
    const { bulkhead, port, entered, gate } = await startApp(1);
    const outcomes: string[] = [];
    bulkhead.on('finished', (event) => outcomes.push(event.outcome));
    const pending = get(port, '/reports/9');
    await entered[0]?.promise;
    const released = nextEvent(bulkhead, 'finished');
    pending.disconnect();
    await released;
    expect(bulkhead.activeCount).toBe(0);
    gate.resolve();
    const next = await get(port, '/reports/10').result;
    expect(next.status).toBe(200);
    expect(outcomes).toEqual(['failure', 'success']);
  });

  it('rejects a misspelled option, naming the key and the closest valid name', () => {
    const bulkhead = new SemaphoreBulkhead('express-misspelled');
    expect(() => bulkheadMiddleware({ bulkhead, minRetryAftr: 1 } as never)).toThrow(
      new TypeError('options.minRetryAftr is not a known option; did you mean minRetryAfter?'),
    );
  });

  it('README example: protect one route', async () => {
    // README: Express
    const bulkhead = new SemaphoreBulkhead('search', { maxConcurrent: 20 });
    const app = express();
    app.get('/search', bulkheadMiddleware({ bulkhead }), (_request, response) => {
      response.json({ hits: [] });
    });
    // end README
    const { port, close } = await listen(createServer(app));
    closers.push(close);
    expect(JSON.parse((await get(port, '/search').result).body)).toEqual({ hits: [] });
  });
});
