import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BulkheadClosedError, BulkheadFullError, SemaphoreBulkhead } from './index.js';
import { deferred, flush, track, useFakeClock } from './test-support/async-helpers.js';
import { fill } from './test-support/permits.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

describe('acquire without timeout: immediate verdict', () => {
  it('grants while permits are free', async () => {
    const bulkhead = new SemaphoreBulkhead('immediate', { maxConcurrent: 2 });
    const first = await bulkhead.acquire();
    const second = await bulkhead.acquire({});
    expect(first.bulkheadName).toBe('immediate');
    expect(first.released).toBe(false);
    expect(bulkhead.activeCount).toBe(2);
    expect(second).not.toBe(first);
  });

  it('rejects with BulkheadFullError queue_full when full, without queueing or a timer', async () => {
    const bulkhead = new SemaphoreBulkhead('immediate-full', { maxConcurrent: 1 });
    fill(bulkhead);
    const error = await bulkhead.acquire().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BulkheadFullError);
    expect(error).toMatchObject({
      reason: 'queue_full',
      bulkheadName: 'immediate-full',
      maxConcurrent: 1,
      activeCount: 1,
      code: 'BULKHEAD_FULL',
    });
    expect(bulkhead.waitingCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('timeout: 0 is an immediate verdict too', async () => {
    const bulkhead = new SemaphoreBulkhead('zero', { maxConcurrent: 1 });
    fill(bulkhead);
    await expect(bulkhead.acquire({ timeout: 0 })).rejects.toMatchObject({ reason: 'queue_full' });
    expect(bulkhead.waitingCount).toBe(0);
  });
});

describe('acquire with timeout: FIFO wait', () => {
  it('admits waiters in arrival order as permits are released', async () => {
    const bulkhead = new SemaphoreBulkhead('fifo', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const order: string[] = [];
    const waiters = ['a', 'b', 'c'].map((label) =>
      bulkhead.acquire({ timeout: 1000 }).then((permit) => {
        order.push(label);
        return permit;
      }),
    );
    expect(bulkhead.waitingCount).toBe(3);
    held?.release();
    const a = await waiters[0];
    expect(order).toEqual(['a']);
    a?.release();
    const b = await waiters[1];
    b?.release();
    const c = await waiters[2];
    expect(order).toEqual(['a', 'b', 'c']);
    expect(bulkhead.activeCount).toBe(1);
    c?.release();
    expect(bulkhead.activeCount).toBe(0);
  });

  it('hands the released permit to the head waiter directly, so a newcomer cannot barge in', async () => {
    const bulkhead = new SemaphoreBulkhead('no-barging', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const waiter = track(bulkhead.acquire({ timeout: 1000 }));
    held?.release();
    expect(bulkhead.activeCount).toBe(1);
    expect(bulkhead.waitingCount).toBe(0);
    expect(bulkhead.tryAcquire()).toBeUndefined();
    await flush();
    expect(waiter.status).toBe('fulfilled');
  });

  it('a newcomer queues behind existing waiters even if it would not wait', async () => {
    const bulkhead = new SemaphoreBulkhead('behind', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const waiter = track(bulkhead.acquire({ timeout: 1000 }));
    await expect(bulkhead.acquire()).rejects.toMatchObject({ reason: 'queue_full' });
    held?.release();
    await flush();
    expect(waiter.status).toBe('fulfilled');
  });

  it('rejects with queue_timeout once the timeout elapses, not a tick earlier', async () => {
    const bulkhead = new SemaphoreBulkhead('timeout', { maxConcurrent: 1 });
    fill(bulkhead);
    const waiter = track(bulkhead.acquire({ timeout: 100 }));
    await vi.advanceTimersByTimeAsync(99);
    expect(waiter.status).toBe('pending');
    expect(bulkhead.waitingCount).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiter.status).toBe('rejected');
    expect(waiter.error).toBeInstanceOf(BulkheadFullError);
    expect(waiter.error).toMatchObject({ reason: 'queue_timeout', activeCount: 1, maxConcurrent: 1 });
    expect(bulkhead.waitingCount).toBe(0);
    expect(bulkhead.getState().rejectedCount).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a timed-out waiter leaves the others queued in order', async () => {
    const bulkhead = new SemaphoreBulkhead('timeout-middle', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const order: string[] = [];
    const first = track(bulkhead.acquire({ timeout: 500 }).then(() => order.push('first')));
    const short = track(bulkhead.acquire({ timeout: 10 }));
    const last = track(bulkhead.acquire({ timeout: 500 }).then(() => order.push('last')));
    await vi.advanceTimersByTimeAsync(10);
    expect(short.status).toBe('rejected');
    expect(bulkhead.waitingCount).toBe(2);
    held?.release();
    await flush();
    expect(order).toEqual(['first']);
    expect(first.status).toBe('fulfilled');
    expect(last.status).toBe('pending');
  });

  it('rejects with queue_full at once when maxQueue waiters are queued', async () => {
    const bulkhead = new SemaphoreBulkhead('queue-full', { maxConcurrent: 1, maxQueue: 2 });
    fill(bulkhead);
    const waiting = [track(bulkhead.acquire({ timeout: 1000 })), track(bulkhead.acquire({ timeout: 1000 }))];
    const error = await bulkhead.acquire({ timeout: 1000 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'queue_full', activeCount: 1 });
    expect(bulkhead.waitingCount).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(waiting.map((waiter) => waiter.status)).toEqual(['rejected', 'rejected']);
  });

  it('maxQueue: 0 never queues', async () => {
    const bulkhead = new SemaphoreBulkhead('no-queue', { maxConcurrent: 1, maxQueue: 0 });
    fill(bulkhead);
    await expect(bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY })).rejects.toMatchObject({
      reason: 'queue_full',
    });
  });

  it('timeout: Infinity waits without any timer', async () => {
    const bulkhead = new SemaphoreBulkhead('infinite', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const waiter = track(bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY }));
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(365 * 24 * 3600 * 1000);
    expect(waiter.status).toBe('pending');
    held?.release();
    await flush();
    expect(waiter.status).toBe('fulfilled');
  });

  it('a timeout beyond the setTimeout range neither fires early nor spins', async () => {
    const bulkhead = new SemaphoreBulkhead('huge-timeout', { maxConcurrent: 1 });
    fill(bulkhead);
    const timeout = 2 ** 31 + 1000;
    const waiter = track(bulkhead.acquire({ timeout }));
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(waiter.status).toBe('pending');
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(timeout - 60_000);
    expect(waiter.status).toBe('rejected');
    expect(waiter.error).toMatchObject({ reason: 'queue_timeout' });
    setTimeoutSpy.mockRestore();
  });

  it('an admitted waiter leaves no timer behind (nothing keeps the process alive)', async () => {
    const bulkhead = new SemaphoreBulkhead('no-stale-timer', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const waiter = bulkhead.acquire({ timeout: 30_000 });
    expect(vi.getTimerCount()).toBe(1);
    held?.release();
    (await waiter).release();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('abort', () => {
  it('removes the waiter at once and rejects with the signal reason', async () => {
    const bulkhead = new SemaphoreBulkhead('abort', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const controller = new AbortController();
    const reason = new Error('caller left');
    const aborted = track(bulkhead.acquire({ timeout: 1000, signal: controller.signal }));
    const next = track(bulkhead.acquire({ timeout: 1000 }));
    expect(bulkhead.waitingCount).toBe(2);
    controller.abort(reason);
    expect(bulkhead.waitingCount).toBe(1);
    await flush();
    expect(aborted.status).toBe('rejected');
    expect(aborted.error).toBe(reason);
    expect(bulkhead.getState().rejectedCount).toBe(1);
    held?.release();
    await flush();
    expect(next.status).toBe('fulfilled');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('uses the default AbortError reason when abort() has no argument', async () => {
    const bulkhead = new SemaphoreBulkhead('abort-default', { maxConcurrent: 1 });
    fill(bulkhead);
    const controller = new AbortController();
    const waiter = bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY, signal: controller.signal });
    controller.abort();
    await expect(waiter).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an already-aborted signal rejects at once even when permits are free', async () => {
    const bulkhead = new SemaphoreBulkhead('pre-aborted', { maxConcurrent: 1 });
    const reason = new Error('too late');
    await expect(bulkhead.acquire({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(bulkhead.execute(() => 1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(bulkhead.activeCount).toBe(0);
    expect(bulkhead.getState().rejectedCount).toBe(2);
  });

  it('aborting after admission changes nothing and the listener is gone', async () => {
    const bulkhead = new SemaphoreBulkhead('abort-after', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const controller = new AbortController();
    const addSpy = vi.spyOn(controller.signal, 'addEventListener');
    const removeSpy = vi.spyOn(controller.signal, 'removeEventListener');
    const waiter = bulkhead.acquire({ timeout: 1000, signal: controller.signal });
    held?.release();
    const permit = await waiter;
    const added = addSpy.mock.calls[0]?.[1];
    expect(added).toBeDefined();
    expect(removeSpy).toHaveBeenCalledWith('abort', added);
    controller.abort();
    expect(bulkhead.activeCount).toBe(1);
    expect(bulkhead.getState().rejectedCount).toBe(0);
    permit.release();
    expect(bulkhead.activeCount).toBe(0);
  });

  it('the abort listener is removed when the waiter times out', async () => {
    const bulkhead = new SemaphoreBulkhead('abort-timeout', { maxConcurrent: 1 });
    fill(bulkhead);
    const controller = new AbortController();
    const waiter = track(bulkhead.acquire({ timeout: 10, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    expect(waiter.error).toMatchObject({ reason: 'queue_timeout' });
    controller.abort();
    expect(bulkhead.getState().rejectedCount).toBe(1);
  });
});

describe('Permit', () => {
  it('release() is idempotent', () => {
    const bulkhead = new SemaphoreBulkhead('idempotent', { maxConcurrent: 2 });
    const first = bulkhead.tryAcquire();
    const second = bulkhead.tryAcquire();
    first?.release();
    first?.release();
    first?.release();
    expect(first?.released).toBe(true);
    expect(first?.bulkheadName).toBe('idempotent');
    expect(second?.released).toBe(false);
    expect(bulkhead.activeCount).toBe(1);
  });

  it('a second release never hands a second permit to a waiter', async () => {
    const bulkhead = new SemaphoreBulkhead('idempotent-waiters', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const a = track(bulkhead.acquire({ timeout: 1000 }));
    const b = track(bulkhead.acquire({ timeout: 1000 }));
    held?.release();
    held?.release();
    await flush();
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('pending');
    expect(bulkhead.activeCount).toBe(1);
  });

  it('works with `await using` and `using`', async () => {
    const bulkhead = new SemaphoreBulkhead('using', { maxConcurrent: 1 });
    {
      await using permit = await bulkhead.acquire({ timeout: 5000 });
      expect(permit.released).toBe(false);
      expect(bulkhead.activeCount).toBe(1);
    }
    expect(bulkhead.activeCount).toBe(0);
    {
      using permit = bulkhead.tryAcquire();
      expect(permit).toBeDefined();
      expect(bulkhead.activeCount).toBe(1);
    }
    expect(bulkhead.activeCount).toBe(0);
  });

  it('releases on a throw inside a `using` block', async () => {
    const bulkhead = new SemaphoreBulkhead('using-throw', { maxConcurrent: 1 });
    const run = async () => {
      await using _permit = await bulkhead.acquire();
      throw new Error('business');
    };
    await expect(run()).rejects.toThrow('business');
    expect(bulkhead.activeCount).toBe(0);
  });

  it('Symbol.dispose and Symbol.asyncDispose release once', async () => {
    const bulkhead = new SemaphoreBulkhead('dispose', { maxConcurrent: 2 });
    const a = bulkhead.tryAcquire()!;
    const b = bulkhead.tryAcquire()!;
    a[Symbol.dispose]();
    a[Symbol.dispose]();
    await expect(b[Symbol.asyncDispose]()).resolves.toBeUndefined();
    b.release();
    expect(a.released && b.released).toBe(true);
    expect(bulkhead.activeCount).toBe(0);
  });
});

describe('tryAcquire', () => {
  it('is a synchronous verdict counted as a rejection when full', () => {
    const bulkhead = new SemaphoreBulkhead('try', { maxConcurrent: 1 });
    const permit = bulkhead.tryAcquire();
    expect(permit).toBeDefined();
    expect(bulkhead.tryAcquire()).toBeUndefined();
    expect(bulkhead.getState()).toMatchObject({ rejectedCount: 1, activeCount: 1 });
    permit?.release();
    expect(bulkhead.tryAcquire()).toBeDefined();
  });

  it('returns undefined after close', async () => {
    const bulkhead = new SemaphoreBulkhead('try-closed');
    await bulkhead.close();
    expect(bulkhead.tryAcquire()).toBeUndefined();
    expect(bulkhead.getState().rejectedCount).toBe(1);
  });
});

describe('execute', () => {
  it('passes the result through and gives fn the caller signal or a never-aborted one', async () => {
    const bulkhead = new SemaphoreBulkhead('execute', { maxConcurrent: 1 });
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    await expect(
      bulkhead.execute(({ signal }) => {
        signals.push(signal);
        return 42;
      }),
    ).resolves.toBe(42);
    await expect(
      bulkhead.execute(
        async ({ signal }) => {
          signals.push(signal);
          return 'async';
        },
        { signal: controller.signal },
      ),
    ).resolves.toBe('async');
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]?.aborted).toBe(false);
    expect(signals[1]).toBe(controller.signal);
  });

  it('holds the permit while fn runs', async () => {
    const bulkhead = new SemaphoreBulkhead('execute-holds', { maxConcurrent: 1 });
    const gate = deferred();
    const running = bulkhead.execute(() => gate.promise);
    expect(bulkhead.activeCount).toBe(1);
    await expect(bulkhead.execute(() => 1)).rejects.toBeInstanceOf(BulkheadFullError);
    gate.resolve();
    await running;
    expect(bulkhead.activeCount).toBe(0);
  });

  it('always releases: sync throw, async rejection, on the fast and the queued path', async () => {
    const bulkhead = new SemaphoreBulkhead('execute-release', { maxConcurrent: 1 });
    const syncError = new Error('sync');
    const asyncError = new Error('async');
    await expect(
      bulkhead.execute(() => {
        throw syncError;
      }),
    ).rejects.toBe(syncError);
    expect(bulkhead.activeCount).toBe(0);
    await expect(bulkhead.execute(() => Promise.reject(asyncError))).rejects.toBe(asyncError);
    expect(bulkhead.activeCount).toBe(0);

    const [held] = fill(bulkhead);
    const queuedSync = bulkhead.execute(
      () => {
        throw syncError;
      },
      { timeout: 1000 },
    );
    const queuedAsync = bulkhead.execute(() => Promise.reject(asyncError), { timeout: 1000 });
    held?.release();
    await expect(queuedSync).rejects.toBe(syncError);
    await expect(queuedAsync).rejects.toBe(asyncError);
    expect(bulkhead.activeCount).toBe(0);
    expect(bulkhead.getState().rejectedCount).toBe(0);
  });

  it('waits in the queue with a timeout and runs when admitted', async () => {
    const bulkhead = new SemaphoreBulkhead('execute-queued', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const result = track(bulkhead.execute(() => 'ran', { timeout: 1000 }));
    await flush();
    expect(result.status).toBe('pending');
    held?.release();
    await flush();
    expect(result.value).toBe('ran');
  });

  it('rejects invalid fn and options like acquire', async () => {
    const bulkhead = new SemaphoreBulkhead('execute-invalid');
    await expect(bulkhead.execute(42 as never)).rejects.toThrow(
      new TypeError('fn must be a function, got number'),
    );
    await expect(bulkhead.execute(() => 1, { timeout: -1 })).rejects.toThrow(RangeError);
    await expect(bulkhead.execute(() => 1, { timeout: '5' as never })).rejects.toThrow(TypeError);
    await expect(bulkhead.execute(() => 1, { signal: {} as never })).rejects.toThrow(TypeError);
    await expect(bulkhead.execute(() => 1, null as never)).rejects.toThrow(
      new TypeError('options must be an object, got null'),
    );
    expect(bulkhead.activeCount).toBe(0);
  });
});

describe('wrap', () => {
  it('returns a protected function that forwards arguments and this-less calls through execute', async () => {
    const bulkhead = new SemaphoreBulkhead('wrap', { maxConcurrent: 1 });
    const gate = deferred<number>();
    const add = bulkhead.wrap(async (a: number, b: number) => (await gate.promise) + a + b);
    const running = add(1, 2);
    expect(bulkhead.activeCount).toBe(1);
    await expect(add(3, 4)).rejects.toBeInstanceOf(BulkheadFullError);
    gate.resolve(10);
    await expect(running).resolves.toBe(13);
    expect(bulkhead.activeCount).toBe(0);
  });

  it('applies its options to every call', async () => {
    const bulkhead = new SemaphoreBulkhead('wrap-options', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const wrapped = bulkhead.wrap((value: string) => value, { timeout: 50 });
    const call = track(wrapped('queued'));
    await vi.advanceTimersByTimeAsync(10);
    held?.release();
    await flush();
    expect(call.value).toBe('queued');
  });

  it('throws a TypeError for a non-function at once', () => {
    const bulkhead = new SemaphoreBulkhead('wrap-invalid');
    expect(() => bulkhead.wrap('nope' as never)).toThrow(
      new TypeError('fn must be a function, got string "nope"'),
    );
  });
});

describe('acquire with closed or invalid input', () => {
  it('rejects after close with BulkheadClosedError', async () => {
    const bulkhead = new SemaphoreBulkhead('closed-acquire');
    await bulkhead.close();
    await expect(bulkhead.acquire()).rejects.toBeInstanceOf(BulkheadClosedError);
    await expect(bulkhead.execute(() => 1)).rejects.toBeInstanceOf(BulkheadClosedError);
  });
});

describe('queued execute() calls', () => {
  it.each([
    ['without listeners', false],
    ['with a finished listener', true],
  ])('settle 20k synchronously throwing tasks without deep recursion (%s)', async (_label, listen) => {
    const bulkhead = new SemaphoreBulkhead('sync-throwers', { maxConcurrent: 1 });
    const outcomes: string[] = [];
    if (listen) bulkhead.on('finished', ({ outcome }) => outcomes.push(outcome));
    const [held] = fill(bulkhead);
    const calls = Array.from({ length: 20_000 }, (_, index) =>
      bulkhead.execute(
        () => {
          throw new Error(`task ${index}`);
        },
        { timeout: Number.POSITIVE_INFINITY },
      ),
    );
    held?.release();
    const results = await Promise.allSettled(calls);
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect((results[19_999] as PromiseRejectedResult).reason).toMatchObject({ message: 'task 19999' });
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
    if (listen) expect(outcomes.filter((outcome) => outcome === 'failure')).toHaveLength(20_000);
  });

  it('run the task only once admitted and resolve with its value, in FIFO order', async () => {
    const bulkhead = new SemaphoreBulkhead('queued-values', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const started: number[] = [];
    const calls = [0, 1, 2].map((index) =>
      bulkhead.execute(
        () => {
          started.push(index);
          return index * 10;
        },
        { timeout: Number.POSITIVE_INFINITY },
      ),
    );
    expect(started).toEqual([]);
    held?.release();
    expect(await Promise.all(calls)).toEqual([0, 10, 20]);
    expect(started).toEqual([0, 1, 2]);
  });
});

describe('mixed acquire() and execute() waiters', () => {
  it('callers observe FIFO admission: an acquire() ahead in the queue resumes before a later task starts', async () => {
    const bulkhead = new SemaphoreBulkhead('mixed-order', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const trace: string[] = [];
    const first = bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY }).then((permit) => {
      trace.push('acquire resumed');
      return permit;
    });
    const second = bulkhead.execute(
      () => {
        trace.push('task started');
      },
      { timeout: Number.POSITIVE_INFINITY },
    );
    held?.release();
    bulkhead.resize(3); // admits the second while the first caller has not resumed yet
    (await first).release();
    await second;
    expect(trace).toEqual(['acquire resumed', 'task started']);
  });
});

describe('async context across the queue', () => {
  it('a queued task runs in its caller context, not in the context of the call that released the slot', async () => {
    const requestId = new AsyncLocalStorage<string>();
    const bulkhead = new SemaphoreBulkhead('context', { maxConcurrent: 1 });
    const gate = deferred<void>();
    const seen: Array<string | undefined> = [];
    const first = requestId.run('request-1', () =>
      bulkhead.execute(async () => {
        await gate.promise;
        seen.push(requestId.getStore());
      }),
    );
    const second = requestId.run('request-2', () =>
      bulkhead.execute(async () => seen.push(requestId.getStore()), { timeout: Number.POSITIVE_INFINITY }),
    );
    const third = requestId.run('request-3', () =>
      bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY }).then((permit) => {
        seen.push(requestId.getStore());
        permit.release();
      }),
    );
    gate.resolve();
    await Promise.all([first, second, third]);
    expect(seen).toEqual(['request-1', 'request-2', 'request-3']);
  });
});
