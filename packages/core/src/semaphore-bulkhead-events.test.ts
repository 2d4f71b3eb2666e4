import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BulkheadEventMap, SemaphoreBulkhead } from './index.js';
import { deferred, flush, track, useFakeClock } from './test-support/async-helpers.js';
import { fill } from './test-support/permits.js';

beforeEach(() => useFakeClock());
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Subscribes to every event and records a compact trace plus the payloads. */
function record(bulkhead: SemaphoreBulkhead) {
  const trace: string[] = [];
  const payloads: Array<BulkheadEventMap[keyof BulkheadEventMap]> = [];
  const disposers = [
    bulkhead.on('permitted', (event) => {
      trace.push(`permitted:${event.activeCount}`);
      payloads.push(event);
    }),
    bulkhead.on('rejected', (event) => {
      trace.push(`rejected:${event.reason}`);
      payloads.push(event);
    }),
    bulkhead.on('finished', (event) => {
      trace.push(`finished:${event.outcome}`);
      payloads.push(event);
    }),
  ];
  const dispose = (): void => {
    for (const disposer of disposers) disposer();
  };
  return { trace, payloads, dispose };
}

describe('event order', () => {
  it('traces permitted and finished for execute, with the outcome', async () => {
    const bulkhead = new SemaphoreBulkhead('trace', { maxConcurrent: 1 });
    const { trace } = record(bulkhead);
    await bulkhead.execute(() => 'ok');
    await bulkhead.execute(() => Promise.reject(new Error('business'))).catch(() => undefined);
    const permit = await bulkhead.acquire();
    permit.release('timeout');
    permit.release();
    expect(trace).toEqual([
      'permitted:1',
      'finished:success',
      'permitted:1',
      'finished:failure',
      'permitted:1',
      'finished:timeout',
    ]);
  });

  it('hands over: finished of the releaser comes before permitted of the head waiter', async () => {
    const bulkhead = new SemaphoreBulkhead('handover', { maxConcurrent: 1 });
    const { trace, payloads } = record(bulkhead);
    const held = bulkhead.tryAcquire();
    const waiter = bulkhead.acquire({ timeout: 1000 });
    await vi.advanceTimersByTimeAsync(40);
    held?.release();
    (await waiter).release();
    expect(trace).toEqual(['permitted:1', 'finished:success', 'permitted:1', 'finished:success']);
    expect(payloads[0]).toEqual({
      bulkheadName: 'handover',
      bulkheadType: 'semaphore',
      waitTime: 0,
      activeCount: 1,
    });
    expect(payloads[1]).toEqual({
      bulkheadName: 'handover',
      bulkheadType: 'semaphore',
      outcome: 'success',
      duration: 40,
      waitTime: 0,
    });
    expect(payloads[2]).toMatchObject({ waitTime: 40 });
    expect(payloads[3]).toMatchObject({ waitTime: 40, duration: 0 });
  });

  it('traces every rejection reason with its wait time', async () => {
    const bulkhead = new SemaphoreBulkhead('reasons', { maxConcurrent: 1, maxQueue: 2 });
    const { trace, payloads } = record(bulkhead);
    const held = bulkhead.tryAcquire();
    await bulkhead.acquire().catch(() => undefined);
    const timingOut = track(bulkhead.acquire({ timeout: 25 }));
    const controller = new AbortController();
    const aborting = track(bulkhead.acquire({ timeout: 1000, signal: controller.signal }));
    await bulkhead.acquire({ timeout: 1000 }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(25);
    await vi.advanceTimersByTimeAsync(5);
    controller.abort();
    const shuttingDown = track(bulkhead.acquire({ timeout: 1000 }));
    const closing = bulkhead.close();
    held?.release();
    await closing;
    await flush();
    expect([timingOut.status, aborting.status, shuttingDown.status]).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(trace).toEqual([
      'permitted:1',
      'rejected:queue_full',
      'rejected:queue_full',
      'rejected:queue_timeout',
      'rejected:aborted',
      'rejected:shutdown',
      'finished:success',
    ]);
    const rejected = payloads.filter((payload) => 'reason' in payload);
    expect(rejected.map((payload) => payload.waitTime)).toEqual([0, 0, 25, 30, 0]);
    expect(rejected[1]).toEqual({
      bulkheadName: 'reasons',
      bulkheadType: 'semaphore',
      reason: 'queue_full',
      waitTime: 0,
      activeCount: 1,
      waitingCount: 2,
    });
    expect(rejected[2]).toMatchObject({ waitingCount: 1 });
  });

  it('a tryAcquire refusal is a queue_full rejection event', () => {
    const bulkhead = new SemaphoreBulkhead('try-event', { maxConcurrent: 1 });
    fill(bulkhead);
    const { trace } = record(bulkhead);
    bulkhead.tryAcquire();
    expect(trace).toEqual(['rejected:queue_full']);
  });

  it('growing by resize emits permitted for each admitted waiter', async () => {
    const bulkhead = new SemaphoreBulkhead('resize-events', { maxConcurrent: 1 });
    fill(bulkhead);
    const { trace } = record(bulkhead);
    void bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY });
    void bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY });
    bulkhead.resize(3);
    expect(trace).toEqual(['permitted:2', 'permitted:3']);
  });
});

describe('re-entrant listeners', () => {
  it('a finished listener cannot barge past queued waiters', async () => {
    const bulkhead = new SemaphoreBulkhead('reentrant-finished', { maxConcurrent: 1 });
    const barged: Array<unknown> = [];
    bulkhead.on('finished', () => barged.push(bulkhead.tryAcquire()));
    const held = bulkhead.tryAcquire()!;
    const waiter = track(bulkhead.acquire({ timeout: 1000 }));
    held.release();
    await flush();
    expect(barged).toEqual([undefined]);
    expect(waiter.status).toBe('fulfilled');
    expect(bulkhead.activeCount).toBe(1);
  });

  it('a rejected listener may queue a new waiter from inside a timer expiry', async () => {
    const bulkhead = new SemaphoreBulkhead('reentrant-rejected', { maxConcurrent: 1 });
    bulkhead.tryAcquire();
    const retries: Array<ReturnType<typeof track>> = [];
    bulkhead.on('rejected', (event) => {
      if (event.reason === 'queue_timeout' && retries.length === 0) {
        retries.push(track(bulkhead.acquire({ timeout: 20 })));
      }
    });
    const first = track(bulkhead.acquire({ timeout: 10 }));
    await vi.advanceTimersByTimeAsync(10);
    expect(first.status).toBe('rejected');
    expect(bulkhead.waitingCount).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(19);
    expect(retries[0]?.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(retries[0]?.error).toMatchObject({ reason: 'queue_timeout' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a permitted listener that closes the bulkhead during a resize stops further admissions', async () => {
    const bulkhead = new SemaphoreBulkhead('reentrant-close', { maxConcurrent: 1 });
    const held = bulkhead.tryAcquire()!;
    const waiters = [0, 1, 2].map(() => track(bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY })));
    let closing: Promise<void> | undefined;
    bulkhead.on('permitted', () => {
      closing ??= bulkhead.close();
    });
    bulkhead.resize(4);
    await flush();
    expect(waiters.map((waiter) => waiter.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(bulkhead.activeCount).toBe(2);
    held.release();
    (waiters[0]!.value as { release(): void }).release();
    await closing;
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, closed: true });
  });
});

describe('listeners', () => {
  it('the disposer unsubscribes (and is idempotent); other listeners stay', async () => {
    const bulkhead = new SemaphoreBulkhead('dispose');
    const first: string[] = [];
    const second: string[] = [];
    const disposeFirst = bulkhead.on('permitted', () => first.push('permitted'));
    const listener = () => second.push('permitted');
    bulkhead.on('permitted', listener);
    await bulkhead.execute(() => undefined);
    disposeFirst();
    disposeFirst();
    await bulkhead.execute(() => undefined);
    expect(first).toEqual(['permitted']);
    expect(second).toEqual(['permitted', 'permitted']);
  });

  it('a listener subscribed twice is called twice and disposed one subscription at a time', async () => {
    const bulkhead = new SemaphoreBulkhead('twice');
    const calls: number[] = [];
    const listener = () => calls.push(1);
    const disposeA = bulkhead.on('finished', listener);
    bulkhead.on('finished', listener);
    await bulkhead.execute(() => undefined);
    expect(calls).toHaveLength(2);
    disposeA();
    await bulkhead.execute(() => undefined);
    expect(calls).toHaveLength(3);
  });

  it('a throwing listener becomes a process warning and never leaks a permit', async () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const bulkhead = new SemaphoreBulkhead('throwing', { maxConcurrent: 1 });
    for (const event of ['permitted', 'rejected', 'finished'] as const) {
      bulkhead.on(event, () => {
        throw new Error(`listener of ${event}`);
      });
    }
    await expect(bulkhead.execute(() => 'value')).resolves.toBe('value');
    expect(bulkhead.activeCount).toBe(0);
    const permit = await bulkhead.acquire({ timeout: 10 });
    const waiter = bulkhead.acquire({ timeout: 10 });
    permit.release();
    (await waiter).release();
    expect(bulkhead.activeCount).toBe(0);
    fill(bulkhead);
    await expect(bulkhead.acquire()).rejects.toMatchObject({ reason: 'queue_full' });
    expect(warning).toHaveBeenCalledWith(
      "A 'permitted' listener of bulkhead 'throwing' threw: Error: listener of permitted",
      'BulkheadListenerWarning',
    );
    expect(warning.mock.calls.map(([message]) => String(message).split(' ')[1])).toEqual([
      "'permitted'",
      "'finished'",
      "'permitted'",
      "'finished'",
      "'permitted'",
      "'finished'",
      "'permitted'",
      "'rejected'",
    ]);
  });

  it('on() rejects unknown events and non-function listeners with a TypeError', () => {
    const bulkhead = new SemaphoreBulkhead('invalid-listener');
    expect(() => bulkhead.on('started' as never, () => undefined)).toThrow(
      new TypeError("unknown bulkhead event 'started'; expected permitted, rejected or finished"),
    );
    expect(() => bulkhead.on('permitted', 'nope' as never)).toThrow(
      new TypeError('listener must be a function, got string'),
    );
  });

  it('a listener subscribed while a call runs gets finished only for calls admitted after it', async () => {
    const bulkhead = new SemaphoreBulkhead('late');
    const gate = deferred();
    const running = bulkhead.execute(() => gate.promise);
    const { trace } = record(bulkhead);
    gate.resolve();
    await running;
    await bulkhead.execute(() => undefined);
    expect(trace).toEqual(['permitted:1', 'finished:success']);
  });
});

describe('cost without listeners', () => {
  it('takes no timestamp on any path that does not need a timer', async () => {
    const bulkhead = new SemaphoreBulkhead('no-listeners', { maxConcurrent: 1 });
    const clock = vi.spyOn(performance, 'now');
    await bulkhead.execute(() => 'fast');
    await bulkhead.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    const permit = bulkhead.tryAcquire();
    bulkhead.tryAcquire();
    await bulkhead.acquire().catch(() => undefined);
    const waiter = bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY });
    const queued = bulkhead.execute(() => 'queued', { timeout: Number.POSITIVE_INFINITY });
    permit?.release();
    (await waiter).release();
    await expect(queued).resolves.toBe('queued');
    const controller = new AbortController();
    fill(bulkhead);
    const aborted = bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY, signal: controller.signal });
    controller.abort();
    await aborted.catch(() => undefined);
    expect(clock).not.toHaveBeenCalled();
  });

  it('builds only the payloads of events that have listeners (a rejected listener takes no timestamps)', async () => {
    const bulkhead = new SemaphoreBulkhead('rejected-only', { maxConcurrent: 1 });
    const reasons: string[] = [];
    bulkhead.on('rejected', ({ reason }) => reasons.push(reason));
    const permitted = vi.fn();
    const clock = vi.spyOn(performance, 'now');
    await bulkhead.execute(() => 'fast');
    const permit = bulkhead.tryAcquire();
    await bulkhead.acquire().catch(() => undefined);
    permit?.release();
    expect(clock).not.toHaveBeenCalled();
    expect(reasons).toEqual(['queue_full']);
    const dispose = bulkhead.on('permitted', permitted);
    await bulkhead.execute(() => 'observed');
    expect(permitted).toHaveBeenCalledTimes(1);
    expect(clock).not.toHaveBeenCalled();
    dispose();
    clock.mockRestore();
  });

  it('stops taking timestamps once the last listener is disposed', async () => {
    const bulkhead = new SemaphoreBulkhead('disposed-all');
    const dispose = bulkhead.on('finished', () => undefined);
    const clock = vi.spyOn(performance, 'now');
    await bulkhead.execute(() => undefined);
    expect(clock).toHaveBeenCalled();
    clock.mockClear();
    dispose();
    await bulkhead.execute(() => undefined);
    expect(clock).not.toHaveBeenCalled();
  });
});
