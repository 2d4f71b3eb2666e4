import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Permit } from '../permit.js';
import { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import { flush, useFakeClock } from '../test-support/async-helpers.js';
import { fill } from '../test-support/permits.js';
import { type AdaptiveLimitChange, adaptiveLimit } from './adaptive-limit.js';
import type { AdaptiveLimitOptions } from './adaptive-limit-options.js';

const ALGORITHM_OPTIONS: readonly AdaptiveLimitOptions[] = [
  { algorithm: 'aimd', latencyThreshold: 150 },
  { algorithm: 'vegas' },
  { algorithm: 'gradient2' },
];

/** Holds a permit for `milliseconds` of fake time, then releases it with `outcome`. */
async function runCall(
  bulkhead: SemaphoreBulkhead,
  milliseconds: number,
  outcome: 'success' | 'failure' | 'timeout' = 'success',
): Promise<void> {
  const permit = bulkhead.tryAcquire()!;
  await vi.advanceTimersByTimeAsync(milliseconds);
  permit.release(outcome);
}

describe('adaptiveLimit()', () => {
  beforeEach(() => useFakeClock());
  afterEach(() => vi.useRealTimers());

  it('starts from the bulkhead limit, or applies initialLimit at once without counting it as a change', () => {
    const bulkhead = new SemaphoreBulkhead('orders', { maxConcurrent: 7 });
    const kept = adaptiveLimit(bulkhead, { algorithm: 'vegas' });
    expect(kept).toMatchObject({ algorithm: 'vegas', current: 7, changeCount: 0, stopped: false });
    kept.stop();

    const large = new SemaphoreBulkhead('large', { maxConcurrent: 500 });
    expect(adaptiveLimit(large, { algorithm: 'gradient2' }).current).toBe(500);
    expect(large.getState().maxConcurrent).toBe(500);

    const applied = adaptiveLimit(bulkhead, { algorithm: 'aimd', initialLimit: 3 });
    expect(applied.current).toBe(3);
    expect(bulkhead.getState().maxConcurrent).toBe(3);
    expect(applied.changeCount).toBe(0);
  });

  it.each([
    [undefined, TypeError, 'options must be an object with an algorithm, got undefined'],
    [
      { algorithm: 'reno' },
      TypeError,
      `options.algorithm must be 'aimd', 'vegas' or 'gradient2', got string "reno"`,
    ],
    [{ algorithm: 'aimd', minLimit: 0 }, RangeError, 'options.minLimit must be >= 1, got 0'],
    [
      { algorithm: 'aimd', initialLimit: 1.5 },
      RangeError,
      'options.initialLimit must be an integer, got 1.5',
    ],
    [
      { algorithm: 'aimd', minLimit: 5, initialLimit: 2 },
      RangeError,
      'options.initialLimit must be >= 5, got 2',
    ],
    [
      { algorithm: 'aimd', initialLimit: 50, maxLimit: 10 },
      RangeError,
      'options.maxLimit must be >= 50, got 10',
    ],
    [{ algorithm: 'aimd', backoffRatio: 1 }, RangeError, 'options.backoffRatio must be < 1, got 1'],
    [{ algorithm: 'aimd', backoffRatio: 0.2 }, RangeError, 'options.backoffRatio must be >= 0.5, got 0.2'],
    [
      { algorithm: 'aimd', latencyThreshold: -1 },
      RangeError,
      'options.latencyThreshold must be >= 0, got -1',
    ],
    [{ algorithm: 'vegas', alpha: 'x' }, TypeError, 'options.alpha must be a finite number, got string "x"'],
    [{ algorithm: 'vegas', beta: 1 }, RangeError, 'options.beta must be >= 3, got 1'],
    [{ algorithm: 'vegas', smoothing: 0 }, RangeError, 'options.smoothing must be > 0, got 0'],
    [{ algorithm: 'vegas', probeMultiplier: -1 }, RangeError, 'options.probeMultiplier must be >= 0, got -1'],
    [{ algorithm: 'gradient2', longWindow: 0 }, RangeError, 'options.longWindow must be >= 1, got 0'],
    [{ algorithm: 'gradient2', rttTolerance: 0.9 }, RangeError, 'options.rttTolerance must be >= 1, got 0.9'],
    [
      { algorithm: 'gradient2', queueSize: 'big' },
      TypeError,
      'options.queueSize must be a function, got string "big"',
    ],
    [{ algorithm: 'vegas', backoffRatio: 0.9 }, TypeError, 'options.backoffRatio is not a known option'],
    [
      { algorithm: 'aimd', maxLimt: 3 },
      TypeError,
      'options.maxLimt is not a known option; did you mean maxLimit?',
    ],
    [
      { algorithm: 'aimd', eventLoop: {} },
      TypeError,
      'options.eventLoop must be an eventLoopSignal(), got object',
    ],
  ])('rejects %j with a message naming the option', (options, ErrorClass, message) => {
    const bulkhead = new SemaphoreBulkhead('orders');
    const attach = () => adaptiveLimit(bulkhead, options as AdaptiveLimitOptions);
    expect(attach).toThrow(ErrorClass);
    expect(attach).toThrow(message);
  });

  it('rejects a bulkhead that cannot resize', () => {
    const fixed = { name: 'fixed', on: () => () => undefined, getState: () => ({ maxConcurrent: 1 }) };
    expect(() => adaptiveLimit(fixed as never, { algorithm: 'aimd' })).toThrow(
      new TypeError('bulkhead must be a bulkhead with resize(), on() and getState(), got object'),
    );
  });

  it.each(ALGORITHM_OPTIONS)('$algorithm never grows an idle or half-used compartment', async (options) => {
    const bulkhead = new SemaphoreBulkhead('idle', { maxConcurrent: 10 });
    const controller = adaptiveLimit(bulkhead, options);
    for (let call = 0; call < 200; call++) await runCall(bulkhead, 100);
    // Five at a time out of ten: half used, never full.
    for (let round = 0; round < 40; round++) {
      const permits = Array.from({ length: 5 }, () => bulkhead.tryAcquire()!);
      await vi.advanceTimersByTimeAsync(100);
      for (const permit of permits) permit.release();
    }
    expect(controller).toMatchObject({ current: 10, changeCount: 0 });
  });

  it('grows while calls are turned away and run fast, and says why', async () => {
    const bulkhead = new SemaphoreBulkhead('busy', { maxConcurrent: 2, maxQueue: 0 });
    const controller = adaptiveLimit(bulkhead, { algorithm: 'aimd', latencyThreshold: 150 });
    const changes: AdaptiveLimitChange[] = [];
    controller.on('change', (change) => changes.push(change));
    const permits = fill(bulkhead);
    expect(bulkhead.tryAcquire()).toBeUndefined(); // rejected: demand exceeds the limit
    await vi.advanceTimersByTimeAsync(100);
    for (const permit of permits) permit.release();
    expect(changes).toEqual([{ bulkheadName: 'busy', previous: 2, limit: 3, reason: 'grow' }]);
    expect(controller.changeCount).toBe(1);
    expect(bulkhead.getState().maxConcurrent).toBe(3);
  });

  it('shrinks on timeouts and slow calls without cancelling work in flight', async () => {
    const bulkhead = new SemaphoreBulkhead('shrinking', { maxConcurrent: 10, maxQueue: 0 });
    const controller = adaptiveLimit(bulkhead, { algorithm: 'aimd', latencyThreshold: 150 });
    const reasons: string[] = [];
    controller.on('change', ({ reason, limit }) => reasons.push(`${reason} ${limit}`));
    const permits: Permit[] = fill(bulkhead);
    await vi.advanceTimersByTimeAsync(400);
    permits.shift()!.release('timeout');
    permits.shift()!.release('success'); // 400 ms: more than twice the threshold
    expect(reasons).toEqual(['timeout 9', 'latency 8']);
    // The eight calls still running keep their permits; new calls wait for the new limit.
    expect(bulkhead.getState()).toMatchObject({ maxConcurrent: 8, activeCount: 8 });
    expect(permits.every((permit) => !permit.released)).toBe(true);
    expect(bulkhead.tryAcquire()).toBeUndefined();
    for (const permit of permits) permit.release();
    expect(bulkhead.getState().activeCount).toBe(0);
  });

  it('ignores failed calls: a fast error says nothing about capacity', async () => {
    const bulkhead = new SemaphoreBulkhead('failing', { maxConcurrent: 1, maxQueue: 0 });
    const controller = adaptiveLimit(bulkhead, { algorithm: 'aimd', latencyThreshold: 150 });
    for (let call = 0; call < 20; call++) await runCall(bulkhead, 1, 'failure');
    for (let call = 0; call < 20; call++) await runCall(bulkhead, 1_000, 'failure');
    expect(controller).toMatchObject({ current: 1, changeCount: 0 });
  });

  it('stays within [minLimit, maxLimit]', async () => {
    const bulkhead = new SemaphoreBulkhead('bounded', { maxConcurrent: 4, maxQueue: 0 });
    const controller = adaptiveLimit(bulkhead, {
      algorithm: 'aimd',
      minLimit: 3,
      maxLimit: 5,
      latencyThreshold: 150,
    });
    for (let call = 0; call < 10; call++) await runCall(bulkhead, 10, 'timeout');
    expect(controller.current).toBe(3);
    for (let round = 0; round < 30; round++) {
      const permits = fill(bulkhead);
      bulkhead.tryAcquire();
      await vi.advanceTimersByTimeAsync(10);
      for (const permit of permits) permit.release();
    }
    expect(controller.current).toBe(5);
  });

  it('stop() detaches: the bulkhead keeps its last limit and later calls change nothing', async () => {
    const bulkhead = new SemaphoreBulkhead('stopped', { maxConcurrent: 10 });
    const controller = adaptiveLimit(bulkhead, { algorithm: 'aimd', latencyThreshold: 150 });
    const changes: number[] = [];
    controller.on('change', ({ limit }) => changes.push(limit));
    await runCall(bulkhead, 10, 'timeout');
    controller.stop();
    controller.stop();
    for (let call = 0; call < 5; call++) await runCall(bulkhead, 10, 'timeout');
    expect(controller).toMatchObject({ stopped: true, current: 9, changeCount: 1 });
    expect(bulkhead.getState().maxConcurrent).toBe(9);
    expect(changes).toEqual([9]);
  });

  it('on() returns a disposer, and a throwing listener becomes a warning without stopping the others', async () => {
    const bulkhead = new SemaphoreBulkhead('listened', { maxConcurrent: 10 });
    const controller = adaptiveLimit(bulkhead, { algorithm: 'aimd', latencyThreshold: 150 });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const seen: number[] = [];
      controller.on('change', () => {
        throw new TypeError('listener bug');
      });
      const dispose = controller.on('change', ({ limit }) => seen.push(limit));
      await runCall(bulkhead, 10, 'timeout');
      dispose();
      dispose();
      await runCall(bulkhead, 10, 'timeout');
      await flush();
      expect(seen).toEqual([9]);
      expect(controller.current).toBe(8);
      expect(warnings).toEqual([
        "A 'change' listener of the adaptive limit of bulkhead 'listened' threw: TypeError: listener bug",
        "A 'change' listener of the adaptive limit of bulkhead 'listened' threw: TypeError: listener bug",
      ]);
    } finally {
      process.off('warning', onWarning);
    }
    expect(() => controller.on('limit' as 'change', () => undefined)).toThrow(
      new TypeError("unknown adaptive limit event 'limit'; expected change"),
    );
    expect(() => controller.on('change', 'nope' as never)).toThrow(
      new TypeError('listener must be a function, got string'),
    );
  });
});
