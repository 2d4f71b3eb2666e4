import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BulkheadClosedError, BulkheadRegistry, type Permit, SemaphoreBulkhead } from './index.js';
import { flush, type Tracked, track, useFakeClock } from './test-support/async-helpers.js';
import { fill } from './test-support/permits.js';

// Listeners are user code: whatever they do (re-enter the bulkhead, throw anything), admission, release,
// handoff and close keep their promises.

beforeEach(() => useFakeClock());
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Queues `count` execute() calls whose tasks record their start and hold until the test ends them. */
function queueCalls(bulkhead: SemaphoreBulkhead, count: number, started: number[]): Array<Tracked<unknown>> {
  return Array.from({ length: count }, (_, index) =>
    track(
      bulkhead.execute(
        () => {
          started.push(index + 1);
          return new Promise(() => {});
        },
        { timeout: 1000 },
      ),
    ),
  );
}

describe('close() never admits', () => {
  it('a rejected listener that grows the limit during close() starts no queued call', async () => {
    const bulkhead = new SemaphoreBulkhead('close-resize', { maxConcurrent: 1 });
    fill(bulkhead);
    const started: number[] = [];
    const calls = queueCalls(bulkhead, 3, started);
    bulkhead.on('rejected', () => bulkhead.resize(bulkhead.maxConcurrent + 1));
    void bulkhead.close();
    await flush();
    expect(started).toEqual([]);
    expect(calls.map((call) => call.error)).toEqual([
      expect.any(BulkheadClosedError),
      expect.any(BulkheadClosedError),
      expect.any(BulkheadClosedError),
    ]);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 1, waitingCount: 0, rejectedCount: 3 });
  });

  it('a rejected listener that releases a permit during close() starts no queued call', async () => {
    const bulkhead = new SemaphoreBulkhead('close-release', { maxConcurrent: 2 });
    const permits = fill(bulkhead);
    const started: number[] = [];
    const calls = queueCalls(bulkhead, 3, started);
    const acquired: Array<Tracked<Permit>> = [];
    let reentries = 0;
    bulkhead.on('rejected', () => {
      permits.pop()?.release();
      // The acquire is refused too (and sends its own `rejected`): re-enter only once per queued call.
      if (reentries++ < 3) acquired.push(track(bulkhead.acquire({ timeout: 1000 })));
    });
    const closed = track(bulkhead.close());
    await flush();
    expect(started).toEqual([]);
    expect(calls.every((call) => BulkheadClosedError.isInstance(call.error))).toBe(true);
    expect(acquired.every((call) => BulkheadClosedError.isInstance(call.error))).toBe(true);
    expect(closed.status).toBe('fulfilled');
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
  });
});

describe('re-entrant listeners keep FIFO start order and the limit', () => {
  it('a permitted listener that releases another permit', async () => {
    const bulkhead = new SemaphoreBulkhead('fifo-release', { maxConcurrent: 2 });
    const [first, second] = fill(bulkhead);
    const started: number[] = [];
    let peak = 0;
    bulkhead.on('permitted', () => {
      peak = Math.max(peak, bulkhead.activeCount);
      second?.release();
    });
    queueCalls(bulkhead, 3, started);
    first?.release();
    await flush();
    expect(started).toEqual([1, 2]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 2, waitingCount: 1 });
  });

  it('a permitted listener that grows the limit', async () => {
    const bulkhead = new SemaphoreBulkhead('fifo-resize', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const started: number[] = [];
    const stop = bulkhead.on('permitted', () => {
      stop();
      bulkhead.resize(3);
    });
    queueCalls(bulkhead, 4, started);
    held?.release();
    await flush();
    expect(started).toEqual([1, 2, 3]);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 3, waitingCount: 1 });
  });

  it('a finished listener that acquires queues behind the waiters already there', async () => {
    const bulkhead = new SemaphoreBulkhead('fifo-finished', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    const order: string[] = [];
    const waiting = bulkhead.acquire({ timeout: 1000 }).then((permit) => {
      order.push('waiter');
      return permit;
    });
    const stop = bulkhead.on('finished', () => {
      stop();
      void bulkhead.acquire({ timeout: 1000 }).then((permit) => {
        order.push('listener');
        permit.release();
      });
    });
    held?.release();
    (await waiting).release();
    await flush();
    expect(order).toEqual(['waiter', 'listener']);
  });
});

/** Values a listener may throw that break naive `String(error)` reporting. */
function hostileValues(): unknown[] {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  return [
    Object.create(null),
    {
      toString() {
        throw new Error('no string for you');
      },
    },
    revoked.proxy,
  ];
}

describe.each(
  hostileValues().map((value, index) => [
    ['Object.create(null)', 'a throwing toString', 'a revoked proxy'][index],
    value,
  ]),
)('a listener that throws %s', (_label, thrown) => {
  const throwing = (): never => {
    throw thrown;
  };

  it('leaves the fast path, the handoff and the release intact, and is reported once per throw', async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const bulkhead = new SemaphoreBulkhead('hostile', { maxConcurrent: 1 });
    bulkhead.on('permitted', throwing);
    bulkhead.on('finished', throwing);
    const fast = bulkhead.execute(() => 'fast');
    await expect(fast).resolves.toBe('fast');
    const held = bulkhead.tryAcquire();
    const queued = track(bulkhead.execute(() => 'queued', { timeout: 1000 }));
    held?.release();
    await flush();
    expect(queued).toMatchObject({ status: 'fulfilled', value: 'queued' });
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0, successfulCalls: 3 });
    // 3 permitted + 3 finished events, each listener threw once.
    expect(warnings).toHaveBeenCalledTimes(6);
    for (const [message, type] of warnings.mock.calls) {
      expect(type).toBe('BulkheadListenerWarning');
      expect(message).toMatch(/^A '(permitted|finished)' listener of bulkhead 'hostile' threw: /);
    }
  });

  it('lets close() settle every waiter', async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const bulkhead = new SemaphoreBulkhead('hostile-close', { maxConcurrent: 1 });
    const [held] = fill(bulkhead);
    bulkhead.on('rejected', throwing);
    const waiters = [1, 2, 3].map(() => track(bulkhead.acquire({ timeout: 1000 })));
    const closed = track(bulkhead.close());
    held?.release();
    await flush();
    expect(waiters.every((waiter) => BulkheadClosedError.isInstance(waiter.error))).toBe(true);
    expect(closed.status).toBe('fulfilled');
    expect(warnings).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is harmless in a registry change listener', () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const registry = new BulkheadRegistry();
    const seen: string[] = [];
    registry.onChange(throwing);
    registry.onChange((change) => seen.push(`${change.kind} ${change.bulkhead.name}`));
    registry.getOrCreate('listed');
    expect(registry.unregister('listed')).toBe(true);
    expect(seen).toEqual(['added listed', 'removed listed']);
    expect(warnings).toHaveBeenCalledTimes(2);
    for (const [message, type] of warnings.mock.calls) {
      expect(message).toMatch(
        /^A bulkhead registry listener threw: (a non-error object|a value that cannot be described)$/,
      );
      expect(type).toBe('BulkheadListenerWarning');
    }
  });
});
