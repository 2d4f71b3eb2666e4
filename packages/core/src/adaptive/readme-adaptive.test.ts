import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adaptiveLimit, eventLoopSignal, SemaphoreBulkhead } from '../index.js';
import { useFakeClock } from '../test-support/async-helpers.js';

// The "Adaptive limits" examples of the README, run as written (with a stand-in logger).

describe('README: adaptive limits', () => {
  beforeEach(() => useFakeClock());
  afterEach(() => vi.useRealTimers());

  it('attaches, reports changes, detaches', async () => {
    const logged: unknown[] = [];
    const log = { info: (fields: unknown, _message: string) => logged.push(fields) };

    const users = new SemaphoreBulkhead('users', { maxConcurrent: 20, maxQueue: 0 });
    const limit = adaptiveLimit(users, { algorithm: 'vegas', minLimit: 2, maxLimit: 200 });

    const stop = limit.on('change', ({ previous, limit: next, reason }) => {
      log.info({ previous, limit: next, reason }, 'users limit changed');
    });
    expect(limit.current).toBe(20);
    expect(users.getState().maxConcurrent).toBe(20);

    // Saturate it with fast calls: the first sets the no-load run time, the next ones grow the limit.
    for (let round = 0; round < 3; round++) {
      const permits = Array.from({ length: limit.current }, () => users.tryAcquire()!);
      await vi.advanceTimersByTimeAsync(10);
      for (const permit of permits) permit.release();
    }
    expect(limit.current).toBeGreaterThan(20);
    expect(limit.changeCount).toBeGreaterThan(0);
    expect(logged[0]).toEqual({ previous: 20, limit: 21, reason: 'grow' });
    stop();
    limit.stop();
    expect(users.getState().maxConcurrent).toBe(limit.current);

    const cpu = eventLoopSignal({ maxUtilization: 0.8 });
    const controller = adaptiveLimit(users, { algorithm: 'gradient2', eventLoop: cpu });
    expect(controller.current).toBe(limit.current);
    controller.stop();
  });
});
