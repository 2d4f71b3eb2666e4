import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import { useFakeClock } from '../test-support/async-helpers.js';
import { adaptiveLimit } from './adaptive-limit.js';
import { eventLoopSignal } from './event-loop-signal.js';

/** Keeps the event loop busy for `milliseconds` of real time (what a CPU-bound request does). */
function blockEventLoop(milliseconds: number): void {
  const end = process.hrtime.bigint() + BigInt(milliseconds) * 1_000_000n;
  while (process.hrtime.bigint() < end) {
    // busy
  }
}

describe('eventLoopSignal()', () => {
  beforeEach(() => useFakeClock());
  afterEach(() => vi.useRealTimers());

  it.each([
    [{ maxUtilization: 0 }, RangeError, 'options.maxUtilization must be > 0, got 0'],
    [{ maxUtilization: 1.5 }, RangeError, 'options.maxUtilization must be <= 1, got 1.5'],
    [{ interval: 5 }, RangeError, 'options.interval must be >= 10, got 5'],
    [{ intervl: 100 }, TypeError, 'options.intervl is not a known option; did you mean interval?'],
  ])('rejects %j with a message naming the option', (options, ErrorClass, message) => {
    expect(() => eventLoopSignal(options as never)).toThrow(ErrorClass);
    expect(() => eventLoopSignal(options as never)).toThrow(message);
  });

  it('caps the limit while the event loop is saturated and lifts the cap step by step once it is calm', async () => {
    const signal = eventLoopSignal({ maxUtilization: 0.5, interval: 100 });
    expect(signal).toMatchObject({ maxUtilization: 0.5, interval: 100, utilization: 0 });
    const bulkhead = new SemaphoreBulkhead('cpu', { maxConcurrent: 20 });
    const controller = adaptiveLimit(bulkhead, { algorithm: 'vegas', eventLoop: signal });
    const changes: string[] = [];
    controller.on('change', ({ previous, limit, reason }) => changes.push(`${reason} ${previous}->${limit}`));

    blockEventLoop(40);
    vi.advanceTimersByTime(100);
    expect(signal.utilization).toBeGreaterThan(0.5);
    expect(changes).toEqual(['event_loop 20->10']);
    expect(bulkhead.getState().maxConcurrent).toBe(10);

    // Calm readings lift the cap by at most 25 % each, until it no longer binds. (A reading may still see a
    // busy loop when the machine is loaded: then the cap goes down again first.)
    for (let reading = 0; reading < 30 && controller.current < 20; reading++) {
      await sleep(50); // real idle time: the loop waits for I/O
      vi.advanceTimersByTime(100);
    }
    expect(controller.current).toBe(20);
    for (const change of changes) {
      const [reason, previous, limit] = change
        .split(/ |->/)
        .map((part, index) => (index === 0 ? part : Number(part)));
      expect(reason).toBe('event_loop');
      expect(limit).toBeLessThanOrEqual(Math.ceil((previous as number) * 1.25));
    }
    expect(changes.at(-1)).toMatch(/->20$/);
    controller.stop();
    // Nobody listens any more: the signal's timer is gone.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('while capped, a saturated compartment does not wind the algorithm up', async () => {
    const signal = eventLoopSignal({ maxUtilization: 0.5, interval: 1_000 });
    const bulkhead = new SemaphoreBulkhead('capped', { maxConcurrent: 20, maxQueue: 0 });
    const controller = adaptiveLimit(bulkhead, {
      algorithm: 'aimd',
      latencyThreshold: 1_000,
      eventLoop: signal,
    });
    blockEventLoop(40);
    vi.advanceTimersByTime(1_000);
    expect(controller.current).toBe(10);
    // Full and turning calls away, with fast calls (150 ms in all, no reading in between): uncapped, aimd
    // would grow by one per round.
    for (let round = 0; round < 30; round++) {
      const permits = Array.from({ length: bulkhead.maxConcurrent }, () => bulkhead.tryAcquire()!);
      bulkhead.tryAcquire();
      await vi.advanceTimersByTimeAsync(5);
      for (const permit of permits) permit.release();
    }
    expect(controller.current).toBe(10);
    for (let reading = 0; reading < 30 && controller.current < 20; reading++) {
      await sleep(50);
      vi.advanceTimersByTime(1_000);
    }
    expect(controller.current).toBe(20);
    controller.stop();
  });

  it('is shared: one timer for every limit listening, removed after the last one stops', () => {
    const signal = eventLoopSignal({ interval: 50 });
    const first = adaptiveLimit(new SemaphoreBulkhead('a'), { algorithm: 'aimd', eventLoop: signal });
    const second = adaptiveLimit(new SemaphoreBulkhead('b'), { algorithm: 'gradient2', eventLoop: signal });
    expect(vi.getTimerCount()).toBe(1);
    first.stop();
    expect(vi.getTimerCount()).toBe(1);
    second.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
