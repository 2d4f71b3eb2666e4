import { BulkheadRegistry } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { runAdaptivePhase } from './adaptive-phase.js';

describe('runAdaptivePhase over real HTTP on 127.0.0.1', () => {
  it('shows both compartments in the gateway registry while it runs, and removes them after', async () => {
    const registry = new BulkheadRegistry();
    const seen: string[] = [];
    const run = await runAdaptivePhase({
      config: { adaptiveSeconds: 1.2, adaptiveRate: 20, userCapacity: 4, jitterMs: 0 },
      registry,
      onPhase: (phase) => {
        const states = registry.getAllStates();
        seen.push(
          `${phase}: ${Object.keys(states).join(', ')}; fixed ${states['users-fixed']?.maxConcurrent}`,
        );
      },
    });
    expect(seen).toEqual([
      'healthy: users-adaptive, users-fixed; fixed 4',
      'degraded: users-adaptive, users-fixed; fixed 4',
      'recovered: users-adaptive, users-fixed; fixed 4',
    ]);
    expect(registry.listNames()).toEqual([]);
    expect(run.windows.map((window) => window.capacity)).toEqual([4, 1, 4]);
    for (const side of run.sides) {
      expect(side.records.length, side.label).toBeGreaterThan(0);
      // Every call was answered or turned away: the service and the client agree on HTTP.
      expect(
        side.records.filter((record) => record.outcome === 'error'),
        side.label,
      ).toEqual([]);
    }
  });
});
