import { afterEach, describe, expect, it, vi } from 'vitest';
import { useFakeClock } from '../test-support/async-helpers.js';
import type { AdaptiveLimitOptions } from './adaptive-limit-options.js';
import { AdaptiveScenario, LATENCY } from './test-support/adaptive-scenario.js';

// Against a simulated downstream of capacity C (latency 100 ms up to C calls, slower beyond, callers give up
// after 500 ms) under open-loop load of 600 calls/s (1.5x what C=40 serves), in fake time.

interface Expectation {
  readonly options: AdaptiveLimitOptions;
  /** Calls until the limit is within ±30 % of C for good, from a start of 1 or of 10x C. */
  readonly callsToConverge: number;
  /** Calls until it is within ±30 % again after C halves or doubles. */
  readonly callsToFollow: number;
  /** Width of the steady-state oscillation (second half of each phase), as a share of C. */
  readonly band: number;
}

const ALGORITHMS: Record<'aimd' | 'vegas' | 'gradient2', Expectation> = {
  aimd: {
    options: { algorithm: 'aimd', latencyThreshold: 1.25 * LATENCY },
    callsToConverge: 800,
    callsToFollow: 250,
    band: 0.2,
  },
  vegas: { options: { algorithm: 'vegas' }, callsToConverge: 800, callsToFollow: 50, band: 0.1 },
  gradient2: {
    options: { algorithm: 'gradient2', rttTolerance: 1 },
    callsToConverge: 1_200,
    callsToFollow: 150,
    band: 0.3,
  },
};

describe.each(Object.entries(ALGORITHMS))('%s against a downstream of capacity C', (_name, expected) => {
  afterEach(() => vi.useRealTimers());

  for (const initialLimit of [1, 400]) {
    it(`starting at ${initialLimit}, converges to C=40, follows C to 20 and back to 40, oscillating narrowly`, {
      timeout: 60_000,
    }, async () => {
      useFakeClock();
      const scenario = new AdaptiveScenario(
        { ...expected.options, initialLimit, maxLimit: 1_000 },
        40,
        (1.5 * 40) / LATENCY,
      );
      const start = await scenario.phase(40, 12_000);
      const halved = await scenario.phase(20, 12_000);
      const doubled = await scenario.phase(40, 12_000);
      await scenario.finish();

      expect(start.callsToConverge).toBeLessThanOrEqual(expected.callsToConverge);
      expect(halved.callsToConverge).toBeLessThanOrEqual(expected.callsToFollow);
      expect(doubled.callsToConverge).toBeLessThanOrEqual(expected.callsToFollow);
      for (const phase of [start, halved, doubled]) {
        const [low, high] = phase.band;
        expect(low).toBeGreaterThanOrEqual(0.7 * phase.capacity);
        expect(high).toBeLessThanOrEqual(1.3 * phase.capacity);
        expect(high - low).toBeLessThanOrEqual(expected.band * phase.capacity);
      }
      // The limit is the bulkhead's maxConcurrent, and nothing was left behind.
      expect(scenario.bulkhead.getState()).toMatchObject({
        maxConcurrent: scenario.controller.current,
        activeCount: 0,
      });
    });
  }
});
