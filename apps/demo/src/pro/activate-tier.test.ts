import { afterAll, describe, expect, it } from 'vitest';
import { activateTier } from './activate-tier.js';
import { createTestLicense, resetProForTesting, trustKeysForTesting } from './test-license.js';

afterAll(() => {
  resetProForTesting();
  trustKeysForTesting([]);
});

async function activate(options: { pro: boolean; env: Record<string, string | undefined> }) {
  const lines: string[] = [];
  const tier = await activateTier({ ...options, log: (line) => lines.push(line) });
  return { tier, lines };
}

describe('activateTier', () => {
  it('runs on OSS without a key and says how to activate PRO', async () => {
    const { tier, lines } = await activate({ pro: false, env: {} });
    expect(tier).toMatchObject({ licenseSource: 'none', registry: undefined });
    expect(tier.entitlement).toMatchObject({ tier: 'oss', reason: 'missing_key' });
    expect(lines).toEqual([
      'Tier: oss (missing_key)',
      '  To activate PRO: pnpm demo --pro (uses a key pair the demo generates, FOR TESTING), or set BULKHEAD_LICENSE_KEY to a vendor-issued license.',
    ]);
  });

  it('reports a BULKHEAD_LICENSE_KEY it cannot accept and stays on OSS (never falls back to a test key)', async () => {
    const { tier, lines } = await activate({ pro: true, env: { BULKHEAD_LICENSE_KEY: 'not-a-license' } });
    expect(tier).toMatchObject({ licenseSource: 'environment', registry: undefined });
    expect(tier.entitlement).toMatchObject({ tier: 'oss', reason: 'malformed_key' });
    expect(lines).toContain(
      'Tier: oss (malformed_key): BULKHEAD_LICENSE_KEY was not accepted; the with-bulkheads run stays on OSS.',
    );
    expect(lines.join('\n')).not.toContain('generated');
  });

  it('activates PRO from BULKHEAD_LICENSE_KEY without generating anything', async () => {
    const license = await createTestLicense({ licensee: 'Acme Corp' });
    trustKeysForTesting([license.publicKey]);
    const { tier, lines } = await activate({ pro: false, env: { BULKHEAD_LICENSE_KEY: license.licenseKey } });
    expect(tier.licenseSource).toBe('environment');
    expect(tier.entitlement).toMatchObject({ tier: 'pro', licensee: 'Acme Corp' });
    expect(tier.registry).toBeDefined();
    expect(lines.at(-1)).toMatch(/^Tier: pro \(licensee "Acme Corp", features \*, expires .*, TEST KEY\)$/);
    expect(lines.join('\n')).not.toContain('generated');
  });
});
