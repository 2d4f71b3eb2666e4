import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { KeyedBulkhead, PartitionedBulkhead, SemaphoreBulkhead } from '@x/bulkhead-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpBulkheadGuard } from './http-bulkhead-guard.js';
import type { HttpBulkheadGuardOptions } from './http-bulkhead-guard-options.js';
import {
  MAX_TRACKED_COMPARTMENTS,
  ServiceTimesByCompartment,
} from './internal/service-times-by-compartment.js';

// The guard with `bulkheadFor`: one compartment per request, picked from the request.

function exchange(url: string, headers: Record<string, string> = {}) {
  const response = Object.assign(new PassThrough(), { statusCode: 200, headersSent: false });
  return {
    request: { url, headers } as unknown as IncomingMessage,
    response: response as unknown as ServerResponse,
  };
}

function liveAndBatch() {
  return new PartitionedBulkhead('api', {
    maxConcurrent: 2,
    partitions: { live: { share: 0.5 }, batch: { share: 0.5, maxQueue: 0 } },
  });
}

const byPath = (api: ReturnType<typeof liveAndBatch>) => (request: IncomingMessage) =>
  api.partition(request.url?.startsWith('/batch') ? 'batch' : 'live');

afterEach(() => vi.useRealTimers());

describe('createHttpBulkheadGuard({ bulkheadFor })', () => {
  it('admits each request into the compartment bulkheadFor picks and names it in the 503', async () => {
    const api = liveAndBatch();
    const guard = createHttpBulkheadGuard({ bulkheadFor: byPath(api) });
    expect(guard.bulkhead).toBeUndefined();
    const batchExchanges = [exchange('/batch/1'), exchange('/batch/2')];
    const admissions = [];
    for (const { request, response } of batchExchanges) admissions.push(await guard.admit(request, response));
    expect(admissions.map((admission) => admission.admitted)).toEqual([true, true]);
    expect(admissions[0]).toMatchObject({ bulkhead: { name: 'api/batch' } });
    const third = exchange('/batch/3?page=2');
    const rejected = await guard.admit(third.request, third.response);
    if (rejected.admitted || rejected.rejection === undefined) throw new Error('expected a rejection');
    expect(rejected.rejection.problem).toMatchObject({
      compartment: 'api/batch',
      reason: 'queue_full',
      instance: '/batch/3',
    });
    expect(rejected.rejection.headers['retry-after']).toBe('1');
    for (const { response } of batchExchanges) response.emit('finish');
    expect(api.getState()).toMatchObject({ activeCount: 0, partitions: { batch: { rejected: 1 } } });
  });

  it('lets a request through unguarded when bulkheadFor returns undefined (no permit taken)', async () => {
    const api = liveAndBatch();
    const guard = createHttpBulkheadGuard({
      bulkheadFor: (request) => (request.url === '/health' ? undefined : api.partition('live')),
    });
    const { request, response } = exchange('/health');
    expect(guard.bulkheadFor(request)).toBeUndefined();
    expect(guard.bulkheadFor(exchange('/search').request)?.name).toBe('api/live');
    const admission = await guard.admit(request, response);
    expect(admission).toMatchObject({ admitted: true, bulkhead: undefined });
    expect(api.getState().totalCalls).toBe(0);
  });

  it('times each admitted request per compartment for Retry-After (fake clock)', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const api = liveAndBatch();
    const guard = createHttpBulkheadGuard({ bulkheadFor: byPath(api), initialServiceTime: 500 });
    const batch = api.partition('batch');
    const live = api.partition('live');
    expect(guard.serviceTimeEstimate(batch)).toBe(500);
    const slow = exchange('/batch/export');
    await guard.admit(slow.request, slow.response);
    vi.advanceTimersByTime(8_000);
    slow.response.emit('finish');
    const quick = exchange('/live/search');
    await guard.admit(quick.request, quick.response);
    vi.advanceTimersByTime(40);
    quick.response.emit('finish');
    expect(guard.serviceTimeEstimate(batch)).toBe(8_000);
    expect(guard.serviceTimeEstimate(live)).toBe(40);
    // ceil(8000 * (0 + 1) / 2 / 1000) = 4 for batch; live keeps the lower bound.
    expect(guard.retryAfterSeconds(batch)).toBe(4);
    expect(guard.retryAfterSeconds(live)).toBe(1);
    expect(() => guard.retryAfterSeconds()).toThrow(
      new TypeError('retryAfterSeconds(bulkhead) needs the bulkhead when the guard routes with bulkheadFor'),
    );
    guard.dispose();
    expect(guard.serviceTimeEstimate(batch)).toBe(500);
  });

  it('routes tenants to forKey() views and refuses a KeyedBulkhead itself or a value that is not a Bulkhead', async () => {
    const tenants = new KeyedBulkhead('tenants', { perKey: { maxConcurrent: 1, maxQueue: 0 } });
    const routed = createHttpBulkheadGuard({
      bulkheadFor: (request) => tenants.forKey(String(request.headers['x-tenant'] ?? 'anonymous')),
    });
    const acme = exchange('/search', { 'x-tenant': 'acme' });
    expect(await routed.admit(acme.request, acme.response)).toMatchObject({
      bulkhead: { name: 'tenants/acme' },
    });
    const anonymous = exchange('/search');
    expect(await routed.admit(anonymous.request, anonymous.response)).toMatchObject({
      bulkhead: { name: 'tenants/anonymous' },
    });
    const keyedMessage =
      "options.bulkhead 'tenants' is a KeyedBulkhead: each call needs a key; protect a key's view, forKey(key), instead";
    expect(() => createHttpBulkheadGuard({ bulkhead: tenants })).toThrow(new TypeError(keyedMessage));
    const misrouted = createHttpBulkheadGuard({ bulkheadFor: () => tenants });
    await expect(misrouted.admit(acme.request, exchange('/').response)).rejects.toThrow(
      "the bulkhead of options.bulkheadFor 'tenants' is a KeyedBulkhead",
    );
    const notBulkhead = createHttpBulkheadGuard({ bulkheadFor: () => 'tenants' as never });
    await expect(notBulkhead.admit(acme.request, exchange('/').response)).rejects.toThrow(
      new TypeError(
        'the bulkhead of options.bulkheadFor must implement the Bulkhead contract (acquire, on, getState), got string "tenants"',
      ),
    );
  });

  it('needs exactly one of bulkhead and bulkheadFor, and bulkheadFor must be a function', () => {
    const bulkhead = new SemaphoreBulkhead('one');
    const cases: Array<[Partial<HttpBulkheadGuardOptions>, Error]> = [
      [
        { bulkhead, bulkheadFor: () => bulkhead },
        new TypeError('options.bulkhead and options.bulkheadFor exclude each other; give one'),
      ],
      [
        {},
        new TypeError(
          'options.bulkhead must implement the Bulkhead contract (acquire, on, getState), got undefined',
        ),
      ],
      [
        { bulkheadFor: bulkhead as never },
        new TypeError('options.bulkheadFor must be a function, got object'),
      ],
    ];
    for (const [options, error] of cases) {
      expect(() => createHttpBulkheadGuard(options as HttpBulkheadGuardOptions)).toThrow(error);
    }
  });
});

describe('ServiceTimesByCompartment', () => {
  it(`keeps the most recently used compartments up to its capacity (default ${MAX_TRACKED_COMPARTMENTS})`, () => {
    const times = new ServiceTimesByCompartment(0.5, 2);
    times.record('a', 10);
    times.record('b', 20);
    times.record('a', 30); // a is the most recent now
    times.record('c', 40); // drops b
    expect([times.estimate('a'), times.estimate('b'), times.estimate('c')]).toEqual([20, undefined, 40]);
    expect(times.size).toBe(2);
  });
});
