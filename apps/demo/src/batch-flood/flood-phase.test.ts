import { afterEach, describe, expect, it, vi } from 'vitest';
import { runFloodLoad } from './flood-load.js';
import { DATABASE_CONNECTIONS, floodRunOf, floodSides, LIVE_TIMEOUT_MS } from './flood-phase.js';
import { FloodSide } from './flood-side.js';
import { floodWindows } from './flood-timeline.js';

// The batch-flood phase's wiring in fake time: the same sides and load as `pnpm demo`, with each query a
// 50 ms timer (no jitter). Nothing here reads the wall clock.

function useFakeClock(): void {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'],
  });
}

/** The demo's phase (12 s, 100 live calls/s, 100 batch workers) in fake time. */
async function runPhase(seconds = 12) {
  const windows = floodWindows(seconds);
  const startedAt = performance.now();
  const now = (): number => performance.now() - startedAt;
  const sides = floodSides({ query: () => new Promise((resolve) => setTimeout(resolve, 50)), now });
  const phases: string[] = [];
  const done = runFloodLoad({
    windows,
    liveRate: 100,
    workers: 100,
    sides,
    now,
    onPhase: (phase) => phases.push(`${Math.round(now())}:${phase}`),
  });
  await vi.advanceTimersByTimeAsync((windows.at(-1)?.endMs ?? 0) + 5 * LIVE_TIMEOUT_MS);
  await done;
  return { sides, phases, run: floodRunOf({ windows, liveRate: 100, workers: 100, sides }) };
}

describe('the batch-flood phase: a batch job floods the reports database that live calls need', () => {
  afterEach(() => vi.useRealTimers());

  it('takes the plain semaphore from live; the partitioned one lends batch only what live leaves idle', {
    timeout: 60_000,
  }, async () => {
    useFakeClock();
    const { sides, phases, run } = await runPhase();
    expect(phases).toEqual(['0:calm', '3000:flood']);
    const [plain, partitioned] = run.sides;
    const [plainCalm, plainFlood] = plain?.stats ?? [];
    const [partitionedCalm, partitionedFlood] = partitioned?.stats ?? [];

    // Calm: 100 calls/s x 50 ms = 5 at once, below the 10 connections; every live call is served at once.
    for (const calm of [plainCalm, partitionedCalm]) {
      expect(calm).toMatchObject({ liveServedRate: 1, liveP99: 50, batchOkPerSecond: 0 });
    }
    // Flood, plain semaphore: 100 batch workers queue ahead of every live call (FIFO), so live waits ~0.5 s
    // for a connection and gives up after 250 ms; batch holds all 10 connections while live waits.
    expect(plainFlood?.liveServedRate).toBeLessThan(0.05);
    expect(plainFlood?.liveP99).toBeGreaterThanOrEqual(LIVE_TIMEOUT_MS);
    expect(plainFlood?.batchHeldWhileLiveWaits).toBe(DATABASE_CONNECTIONS);
    expect(plainFlood?.batchPeakAtGrantWhileLiveWaits).toBe(DATABASE_CONNECTIONS);
    expect(plainFlood?.batchOkPerSecond).toBeGreaterThan(190);

    // Flood, partitioned: every live call is served; it waits at most until the next release.
    expect(partitionedFlood?.liveServedRate).toBe(1);
    expect(partitionedFlood?.liveP99).toBeLessThanOrEqual(60);
    // Batch borrows the idle connections (about half the capacity) ...
    expect(partitionedFlood?.batchOkPerSecond).toBeGreaterThan(90);
    // ... but while a live call waits, batch is admitted only within its own share (1), and the permits it
    // borrowed before live came back at the next releases: it never takes live's guarantee.
    const [liveGuarantee, batchGuarantee] = [9, 1];
    expect(partitionedFlood?.batchPeakAtGrantWhileLiveWaits).toBeLessThanOrEqual(batchGuarantee);
    expect(partitionedFlood?.batchHeldWhileLiveWaits).toBeLessThanOrEqual(DATABASE_CONNECTIONS - 1);
    const heldAtOnce = partitioned?.occupancy.filter((sample) => sample.liveWaiting > 0) ?? [];
    for (const sample of heldAtOnce)
      expect(sample.live + sample.batch).toBeLessThanOrEqual(DATABASE_CONNECTIONS);
    expect(Math.max(...(partitioned?.occupancy.map((sample) => sample.live) ?? []))).toBeLessThan(
      liveGuarantee,
    );

    // Nothing is left holding a permit or waiting.
    for (const side of sides) {
      expect(side.compartment.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
    }
    expect(sides[1]?.compartment.getState()).toMatchObject({
      partitions: { live: { guaranteed: liveGuarantee }, batch: { guaranteed: batchGuarantee, rejected: 0 } },
    });
    expect(run.guaranteed).toEqual({ live: liveGuarantee, batch: batchGuarantee });
  });

  it('records a live call that gave up waiting as a timeout; on the partitioned side none gives up', {
    timeout: 60_000,
  }, async () => {
    useFakeClock();
    const { run } = await runPhase(4);
    const outcomes = new Set(run.sides[0]?.liveRecords.map((record) => record.outcome));
    expect(outcomes).toEqual(new Set(['ok', 'timeout']));
    expect(new Set(run.sides[1]?.liveRecords.map((record) => record.outcome))).toEqual(new Set(['ok']));
  });
});

describe('FloodSide options', () => {
  it('are validated, naming each', () => {
    const [side] = floodSides({ query: async () => undefined, now: () => 0 });
    const valid = {
      label: 'plain',
      compartment: side.compartment,
      live: side.compartment,
      batch: side.compartment,
      query: async () => undefined,
      liveTimeoutMs: 100,
      now: () => 0,
    };
    expect(() => new FloodSide({ ...valid, liveTimeoutMs: -1 })).toThrow(
      new RangeError('options.liveTimeoutMs must be >= 0, got -1'),
    );
    expect(() => new FloodSide({ ...valid, query: 'select' as never })).toThrow(
      new TypeError('options.query must be a function, got string "select"'),
    );
    expect(() => new FloodSide({ ...valid, liveTimeout: 5 } as never)).toThrow(
      /options\.liveTimeout is not a known option; did you mean liveTimeoutMs\?/,
    );
  });
});
