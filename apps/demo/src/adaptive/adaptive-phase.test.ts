import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAdaptiveLoad } from './adaptive-load.js';
import { ADAPTIVE_OPTIONS, adaptiveRunOf, USER_CALL_TIMEOUT_MS } from './adaptive-phase.js';
import { adaptiveWindows } from './adaptive-timeline.js';
import { CapacityQueue } from './capacity-queue.js';
import { ClientSide, type UserServiceCall } from './client-side.js';

// The adaptive phase's wiring in fake time: the same sides and load as `pnpm demo`, with the user service's
// workers called directly instead of over HTTP. Nothing here reads the wall clock.

function useFakeClock(): void {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'],
  });
}

function directCall(queue: CapacityQueue): UserServiceCall {
  return (signal) =>
    new Promise((resolve) => {
      void queue.serve().then(resolve);
      signal.addEventListener('abort', () => resolve(false), { once: true });
    });
}

/** The demo's phase (30 s, 200 calls/s, capacity 40 -> 10 -> 40) against fake-time copies of the service. */
async function runPhase(options: { timeoutMs: number; seconds?: number }) {
  const capacity = 40;
  const windows = adaptiveWindows({ seconds: options.seconds ?? 30, capacity });
  const queues = [0, 1].map(() => new CapacityQueue({ capacity, latencyMs: 100, jitterMs: 0 }));
  const startedAt = performance.now();
  const now = (): number => performance.now() - startedAt;
  const [adaptiveQueue, fixedQueue] = queues as [CapacityQueue, CapacityQueue];
  const adaptive = new ClientSide({
    name: 'users-adaptive',
    limit: capacity,
    adaptive: ADAPTIVE_OPTIONS,
    call: directCall(adaptiveQueue),
    timeoutMs: options.timeoutMs,
    now,
  });
  const fixed = new ClientSide({
    name: 'users-fixed',
    limit: capacity,
    call: directCall(fixedQueue),
    timeoutMs: options.timeoutMs,
    now,
  });
  const phases: string[] = [];
  const done = runAdaptiveLoad({
    windows,
    rate: 200,
    sides: [adaptive, fixed],
    now,
    setCapacity: (next) => {
      for (const queue of queues) queue.capacity = next;
      phases.push(`${Math.round(now())}:${next}`);
    },
  });
  await vi.advanceTimersByTimeAsync((windows.at(-1)?.endMs ?? 0) + 5 * options.timeoutMs);
  await done;
  adaptive.stop();
  for (const queue of queues) queue.close();
  return {
    adaptive,
    fixed,
    phases,
    windows,
    run: adaptiveRunOf({ windows, rate: 200, capacity, sides: [adaptive, fixed] }),
  };
}

describe('the adaptive phase against a user service that drops to a quarter of its capacity', () => {
  afterEach(() => vi.useRealTimers());

  it('the adaptive limit follows the capacity down and back up; the fixed limit queues inside the service', {
    timeout: 60_000,
  }, async () => {
    useFakeClock();
    const { adaptive, fixed, phases, run } = await runPhase({ timeoutMs: USER_CALL_TIMEOUT_MS });
    expect(phases).toEqual(['0:40', '5000:10', '20000:40']);
    const [adaptiveStats, fixedStats] = run.sides.map((side) => side.stats);
    const [healthy, degraded, recovered] = adaptiveStats ?? [];
    const [fixedHealthy, fixedDegraded] = fixedStats ?? [];

    // Healthy: 200 calls/s x 100 ms = 20 at once, below both limits; the adaptive limit does not move.
    expect(healthy).toMatchObject({ limitMin: 40, limitMax: 40, rejectedRate: 0, timeoutRate: 0 });
    expect(fixedHealthy).toMatchObject({ limitMin: 40, limitMax: 40, rejectedRate: 0 });
    // Degraded: within a second the controller cuts to within 2x the new capacity of 10 and holds there ...
    const settled = adaptive.limits.filter((point) => point.atMs >= 6_000 && point.atMs < 20_000);
    const settledMax = Math.max(...settled.map((point) => point.limit));
    expect(settledMax).toBeLessThanOrEqual(20);
    expect(degraded?.limitMedian).toBeGreaterThanOrEqual(10);
    expect(degraded?.limitMedian).toBeLessThanOrEqual(20);
    const firstCut = adaptive.changes[0];
    expect(firstCut).toMatchObject({ previous: 40, reason: 'latency' });
    expect(firstCut?.atMs).toBeGreaterThanOrEqual(5_000);
    expect(firstCut?.atMs).toBeLessThan(6_000);
    // ... while the fixed limit keeps 40 calls inside a service that serves 10: every call waits ~4x.
    expect(fixed.changes).toEqual([]);
    expect(new Set(fixed.limits.map((point) => point.limit))).toEqual(new Set([40]));
    expect(fixedDegraded?.p50).toBeGreaterThanOrEqual(3 * (fixedHealthy?.p50 ?? 0));
    expect(degraded?.p50).toBeLessThan(0.5 * (fixedDegraded?.p50 ?? 0));
    expect(degraded?.p99).toBeLessThan(fixedDegraded?.p99 ?? 0); // its p99 is the cut's first half second
    // Both serve what the degraded service can (10 per 100 ms); the rest is turned away at once.
    expect(degraded?.okPerSecond).toBeGreaterThan(90);
    expect(fixedDegraded?.okPerSecond).toBeGreaterThan(90);
    expect(degraded?.rejectedRate).toBeGreaterThan(0.4);
    // Recovered: the limit grows back past the degraded level while the calls fill it again.
    expect(recovered?.limitMax).toBeGreaterThan(settledMax);
    expect(recovered?.limitMax).toBeGreaterThanOrEqual(20);
    // The controller's limit is the bulkhead's, and nothing is left holding a permit.
    expect(adaptive.bulkhead.getState().maxConcurrent).toBe(adaptive.limit);
    expect(adaptive.bulkhead.getState().activeCount).toBe(0);
    expect(fixed.bulkhead.getState().activeCount).toBe(0);
    expect(adaptive.changes.length).toBe(adaptive.controller?.changeCount);
  });

  it('timed-out calls release their permit as a timeout, which the controller sees and the fixed side counts', {
    timeout: 60_000,
  }, async () => {
    useFakeClock();
    // 250 ms: the fixed side's calls wait ~400 ms in the degraded service, so they time out.
    const { adaptive, fixed, run } = await runPhase({ timeoutMs: 250, seconds: 12 });
    const [, adaptiveDegraded] = run.sides[0]?.stats ?? [];
    const [, fixedDegraded] = run.sides[1]?.stats ?? [];
    expect(fixedDegraded?.timeoutRate).toBeGreaterThan(0.3);
    expect(fixed.records.filter((record) => record.outcome === 'timeout').length).toBeGreaterThan(0);
    expect(fixed.bulkhead.getState().activeCount).toBe(0);
    expect(adaptive.changes.filter((change) => change.reason === 'timeout').length).toBeGreaterThan(0);
    expect(adaptiveDegraded?.timeoutRate).toBeLessThan(fixedDegraded?.timeoutRate ?? 0);
    expect(adaptive.bulkhead.getState().activeCount).toBe(0);
  });
});

describe('ClientSide options', () => {
  it('are validated, naming each', () => {
    const valid = { name: 'users', limit: 4, call: async () => true, timeoutMs: 100, now: () => 0 };
    expect(() => new ClientSide({ ...valid, timeoutMs: -1 })).toThrow(
      new RangeError('options.timeoutMs must be >= 0, got -1'),
    );
    expect(() => new ClientSide({ ...valid, call: 'fetch' as never })).toThrow(
      new TypeError('options.call must be a function, got string "fetch"'),
    );
    expect(() => new ClientSide({ ...valid, timeout: 5 } as never)).toThrow(
      /options\.timeout is not a known option; did you mean timeoutMs\?/,
    );
  });
});
