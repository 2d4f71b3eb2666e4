import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { type Bulkhead, BulkheadEventEmitter, type FinishedEvent, SemaphoreBulkhead } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { createHttpBulkheadGuard } from './http-bulkhead-guard.js';
import type { HttpBulkheadGuardOptions } from './http-bulkhead-guard-options.js';

/** A real semaphore whose `finished` events the test emits itself (deterministic durations). */
function scriptedBulkhead(maxConcurrent: number) {
  const semaphore = new SemaphoreBulkhead('scripted', { maxConcurrent });
  const events = new BulkheadEventEmitter();
  const bulkhead: Bulkhead = {
    name: semaphore.name,
    type: semaphore.type,
    acquire: (options) => semaphore.acquire(options),
    execute: (fn, options) => semaphore.execute(fn, options),
    wrap: (fn, options) => semaphore.wrap(fn, options),
    getState: () => semaphore.getState(),
    on: (event, listener) => events.on(event, listener),
  };
  const finish = (duration: number): void => {
    const event: FinishedEvent = {
      bulkheadName: 'scripted',
      bulkheadType: 'semaphore',
      outcome: 'success',
      duration,
      waitTime: 0,
    };
    events.emit('finished', event);
  };
  return { bulkhead, semaphore, finish, events };
}

/** A response-shaped emitter: enough for the guard's lifecycle tracking. */
function fakeExchange(url = '/x') {
  const response = Object.assign(new PassThrough(), { statusCode: 200, headersSent: false });
  return { request: { url } as IncomingMessage, response: response as unknown as ServerResponse };
}

describe('createHttpBulkheadGuard', () => {
  it('derives Retry-After from the EWMA of finished durations and the queue depth', async () => {
    const { bulkhead, semaphore, finish } = scriptedBulkhead(2);
    const guard = createHttpBulkheadGuard({ bulkhead, waitTimeout: 60_000, initialServiceTime: 500 });
    expect(guard.serviceTimeEstimate()).toBe(500);
    expect(guard.retryAfterSeconds()).toBe(1);
    finish(4000);
    finish(4000);
    expect(guard.serviceTimeEstimate()).toBe(4000);
    // ceil(4000 * (0 + 1) / 2 / 1000) = 2
    expect(guard.retryAfterSeconds()).toBe(2);
    const holders = [semaphore.tryAcquire(), semaphore.tryAcquire()];
    const waiting = [semaphore.acquire({ timeout: 60_000 }), semaphore.acquire({ timeout: 60_000 })];
    // ceil(4000 * (2 + 1) / 2 / 1000) = 6
    expect(guard.retryAfterSeconds()).toBe(6);
    for (const permit of holders) permit?.release();
    for (const permit of await Promise.all(waiting)) permit.release();
    guard.dispose();
    finish(1);
    expect(guard.serviceTimeEstimate()).toBe(4000);
  });

  it('clamps Retry-After to maxRetryAfter and carries it in header and body', async () => {
    const { bulkhead, semaphore, finish } = scriptedBulkhead(1);
    const guard = createHttpBulkheadGuard({ bulkhead, maxRetryAfter: 5 });
    finish(3_600_000);
    const holder = semaphore.tryAcquire();
    const { request, response } = fakeExchange('/reports?q=1');
    const admission = await guard.admit(request, response);
    expect(admission.admitted).toBe(false);
    if (admission.admitted || admission.rejection === undefined) throw new Error('expected a rejection');
    expect(admission.rejection.headers['retry-after']).toBe('5');
    expect(admission.rejection.problem).toMatchObject({
      retryAfter: 5,
      instance: '/reports',
      reason: 'queue_full',
    });
    holder?.release();
  });

  it('names the shutdown reason when the compartment is closed', async () => {
    const bulkhead = new SemaphoreBulkhead('closing');
    await bulkhead.close();
    const guard = createHttpBulkheadGuard({ bulkhead });
    const { request, response } = fakeExchange();
    const admission = await guard.admit(request, response);
    if (admission.admitted || admission.rejection === undefined) throw new Error('expected a rejection');
    expect(admission.rejection.problem.reason).toBe('shutdown');
  });

  it('releases an admitted permit exactly once, whichever of finish, close and error come', async () => {
    for (const sequence of [
      ['finish', 'close'],
      ['close', 'finish'],
      ['error', 'close', 'finish'],
    ] as const) {
      const bulkhead = new SemaphoreBulkhead('once', { maxConcurrent: 1 });
      const outcomes: string[] = [];
      bulkhead.on('finished', (event) => outcomes.push(event.outcome));
      const guard = createHttpBulkheadGuard({ bulkhead });
      const { request, response } = fakeExchange();
      response.on('error', () => undefined);
      const admission = await guard.admit(request, response);
      expect(admission.admitted).toBe(true);
      for (const event of sequence) response.emit(event, event === 'error' ? new Error('x') : undefined);
      expect(outcomes).toEqual([sequence[0] === 'finish' ? 'success' : 'failure']);
      expect(bulkhead.activeCount).toBe(0);
      if (admission.admitted) {
        expect(admission.signal.aborted).toBe(sequence[0] !== 'finish');
        if (admission.signal.aborted) {
          expect(admission.signal.reason).toMatchObject({
            name: 'AbortError',
            message: 'client disconnected before the response finished',
          });
          expect(admission.signal.reason).toBeInstanceOf(DOMException);
        }
      }
    }
  });

  it('reports a 5xx response as a failed call', async () => {
    const bulkhead = new SemaphoreBulkhead('fivehundred', { maxConcurrent: 1 });
    const outcomes: string[] = [];
    bulkhead.on('finished', (event) => outcomes.push(event.outcome));
    const guard = createHttpBulkheadGuard({ bulkhead });
    const { request, response } = fakeExchange();
    await guard.admit(request, response);
    response.statusCode = 502;
    response.emit('finish');
    expect(outcomes).toEqual(['failure']);
  });

  describe('validates options', () => {
    const bulkhead = new SemaphoreBulkhead('valid');
    const cases: Array<[string, Partial<HttpBulkheadGuardOptions> | null, string]> = [
      ['options', null, 'options must be an object, got null'],
      ['bulkhead', { bulkhead: {} as Bulkhead }, 'options.bulkhead must implement the Bulkhead contract'],
      ['waitTimeout', { bulkhead, waitTimeout: -1 }, 'options.waitTimeout must be >= 0, got -1'],
      ['minRetryAfter', { bulkhead, minRetryAfter: 1.5 }, 'options.minRetryAfter must be an integer'],
      [
        'maxRetryAfter',
        { bulkhead, minRetryAfter: 10, maxRetryAfter: 5 },
        'options.maxRetryAfter must be >= 10, got 5',
      ],
      ['initialServiceTime', { bulkhead, initialServiceTime: -5 }, 'options.initialServiceTime must be >= 0'],
      ['smoothing', { bulkhead, smoothing: 2 }, 'options.smoothing must be in (0, 1], got 2'],
      [
        'initialServiceTime (finite)',
        { bulkhead, initialServiceTime: Number.POSITIVE_INFINITY },
        'options.initialServiceTime must be finite, got Infinity',
      ],
      ['problemType', { bulkhead, problemType: '' }, 'options.problemType must not be empty'],
      [
        'problemType (type)',
        { bulkhead, problemType: 7 as never },
        'options.problemType must be a string, got number 7',
      ],
    ];
    it.each(cases)('%s', (_name, options, message) => {
      expect(() => createHttpBulkheadGuard(options as HttpBulkheadGuardOptions)).toThrow(message);
    });

    it('rejects a misspelled option with a TypeError that names the key and the closest valid name', () => {
      const misspelled = { bulkhead, waitTimeot: 5 } as unknown as HttpBulkheadGuardOptions;
      expect(() => createHttpBulkheadGuard(misspelled)).toThrow(
        new TypeError('options.waitTimeot is not a known option; did you mean waitTimeout?'),
      );
    });

    it('accepts waitTimeout Infinity', () => {
      expect(() =>
        createHttpBulkheadGuard({ bulkhead, waitTimeout: Number.POSITIVE_INFINITY }),
      ).not.toThrow();
    });
  });
});
