import { readFile, rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { resetProForTesting, trustKeysForTesting } from './pro/test-license.js';
import { runDemo } from './run-demo.js';
import { testConfig } from './test-support/test-config.js';

const config = testConfig({
  pro: true,
  modes: ['bulkheads', 'shared'],
  hangLatencyMs: 60_000,
  downstreamTimeoutMs: 4_000,
  queueTimeoutMs: 1_000,
  queueSize: 2,
  operatorPaymentSize: 1,
});

afterAll(async () => {
  resetProForTesting();
  trustKeysForTesting([]);
  await rm(config.outputPath, { force: true });
});

describe('runDemo --pro (scenario shrunk to seconds)', () => {
  it('runs the with-bulkheads side on PRO: generated test key, registry, admin API, operator resizes, composer', {
    timeout: 120_000,
  }, async () => {
    const lines: string[] = [];
    const result = await runDemo({ config, env: {}, log: (line) => lines.push(line) });

    expect(result.tier.entitlement).toMatchObject({ tier: 'pro', testKey: true, features: ['*'] });
    expect(result.tier.licenseSource).toBe('generated_test_key');
    expect(lines).toContainEqual(
      expect.stringMatching(/^--pro without BULKHEAD_LICENSE_KEY: the demo generated/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^PRO registry: payment, user and inventory compartments from the settings file .*bulkheads\.json$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^Admin API \(PRO\) on http:\/\/127\.0\.0\.1:\d+, bearer token [\w-]{43}$/),
    );

    const [pro, without] = result.runs;
    expect(pro).toMatchObject({ mode: 'bulkheads', tier: 'pro' });
    expect(without).toMatchObject({ mode: 'shared', tier: 'oss', markers: [] });
    // The operator resized payment through the admin API halfway through the hang, and back on recovery.
    expect(pro?.markers.map((marker) => marker.label)).toEqual([
      'admin API: payment 2 -> 1 (frees the shared pool)',
      'admin API: payment 1 -> 2 (payment is healthy again)',
    ]);
    expect(pro?.markers.map((marker) => marker.atMs)).toEqual([2_000, 3_000]);

    for (const route of ['user', 'inventory', 'cpu'] as const) {
      const hang = pro?.stats.find((entry) => entry.route === route && entry.phase === 'hang');
      expect(hang?.sent, route).toBeGreaterThan(0);
      expect(hang?.ok, route).toBe(hang?.sent);
    }
    const paymentHang = pro?.stats.find((entry) => entry.route === 'payment' && entry.phase === 'hang');
    expect(paymentHang?.rejected).toBeGreaterThan(0);

    expect(result.summary).toContain('with bulkheads (PRO)');
    expect(result.summary).toMatch(/errors\s+rejected\s+short-circ\./);
    expect(result.summary).toMatch(
      /payment while it hung: \d+ sent: \d+ ok, \d+ rejected by the bulkhead \(503\), \d+ short-circuited by the breaker \(503\), \d+ timed out, \d+ failed/,
    );
    expect(result.summary).toContain('at 2.0 s: admin API: payment 2 -> 1 (frees the shared pool)');
    const html = await readFile(result.reportPath, 'utf8');
    expect(html).toContain('admin API: payment 2 -&gt; 1 (frees the shared pool)');
    expect(html).toContain('With bulkheads (PRO)');
  });
});
