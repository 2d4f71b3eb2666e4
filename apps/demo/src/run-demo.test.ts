import { readFile, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { PhaseName, RouteName } from './config.js';
import { runDemo } from './run-demo.js';
import type { ScenarioRun } from './run-scenario.js';
import { testConfig } from './test-support/test-config.js';

const config = testConfig({
  hangLatencyMs: 60_000,
  downstreamTimeoutMs: 4_000,
  queueTimeoutMs: 1_000,
  queueSize: 2,
});

afterEach(async () => {
  await rm(config.outputPath, { force: true });
});

function stats(run: ScenarioRun | undefined, route: RouteName, phase: PhaseName) {
  const entry = run?.stats.find((item) => item.route === route && item.phase === phase);
  if (entry === undefined) throw new Error(`no stats for ${route}/${phase}`);
  return entry;
}

describe('runDemo (scenario shrunk to seconds)', () => {
  it('runs healthy -> hang -> recovered with and without bulkheads and writes the report', {
    timeout: 120_000,
  }, async () => {
    const phases: string[] = [];
    const lines: string[] = [];
    let listeningOn = '';
    const result = await runDemo({
      config,
      env: {},
      log: (line) => lines.push(line),
      onListening: (urls) => {
        listeningOn = `${urls.gateway} ${urls.downstreams}`;
      },
      onPhase: (mode, phase) => phases.push(`${mode}:${phase}`),
    });
    // init() ran first and its verdict came with a way to activate PRO.
    expect(result.tier.entitlement).toMatchObject({ tier: 'oss', reason: 'missing_key' });
    expect(lines.slice(0, 2)).toEqual([
      'Tier: oss (missing_key)',
      expect.stringMatching(/^ {2}To activate PRO: pnpm demo --pro .*BULKHEAD_LICENSE_KEY/),
    ]);
    expect(listeningOn).toMatch(/^http:\/\/127\.0\.0\.1:\d+ http:\/\/127\.0\.0\.1:\d+$/);
    expect(phases).toEqual([
      'bulkheads:healthy',
      'bulkheads:hang',
      'bulkheads:recovered',
      'shared:healthy',
      'shared:hang',
      'shared:recovered',
    ]);
    const [withBulkheads, without] = result.runs;
    expect(withBulkheads?.mode).toBe('bulkheads');
    expect(without?.mode).toBe('shared');

    // With bulkheads, healthy routes succeed while payment is saturated ...
    for (const route of ['user', 'inventory', 'cpu'] as const) {
      const hang = stats(withBulkheads, route, 'hang');
      expect(hang.sent, route).toBeGreaterThan(0);
      expect(hang.ok, route).toBe(hang.sent);
    }
    // ... and payment overflow is answered 503 + Retry-After.
    expect(stats(withBulkheads, 'payment', 'hang').rejected).toBeGreaterThan(0);
    expect(stats(without, 'payment', 'hang').rejected).toBe(0);

    expect(result.summary).toContain('with bulkheads');
    expect(result.summary).toContain('without bulkheads');
    const html = await readFile(result.reportPath, 'utf8');
    expect(result.reportPath).toBe(config.outputPath);
    expect(html).toContain('<svg');
    expect(html).toContain('Without bulkheads (shared pool)');

    // Then the adaptive phase: adaptive and fixed limit side by side, in the table and the report.
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/part: degraded$/)]));
    const sides = result.adaptive?.sides ?? [];
    expect(sides.map((side) => side.label)).toEqual([
      'adaptive (vegas)',
      `fixed limit ${config.userCapacity}`,
    ]);
    for (const side of sides) expect(side.records.length, side.label).toBeGreaterThan(0);
    expect(new Set(sides[1]?.limits.map((point) => point.limit))).toEqual(new Set([config.userCapacity]));
    expect(result.summary).toContain('Adaptive limit vs fixed limit');
    expect(html).toContain('<section id="adaptive">');

    // Then the batch flood: the plain semaphore and the partitioned compartment side by side.
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/part: flood$/)]));
    const floodSides = result.flood?.sides ?? [];
    expect(floodSides.map((side) => side.label)).toEqual([
      'plain SemaphoreBulkhead',
      'PartitionedBulkhead live 0.9 / batch 0.1',
    ]);
    for (const side of floodSides) {
      expect(side.liveRecords.length, side.label).toBeGreaterThan(0);
      expect(side.batchDone.length, side.label).toBeGreaterThan(0);
    }
    expect(result.flood?.guaranteed).toEqual({ live: 9, batch: 1 });
    expect(result.summary).toContain('Batch flood: a reports database of 10 connections');
    expect(html).toContain('<section id="batch-flood">');
  });
});
