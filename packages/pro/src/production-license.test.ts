// Production behaviour of licensing, each in a fresh Node process running the BUILT package (dist), as an
// application would. The vendor's private key is never on this machine, so no test can sign a license that a
// production process accepts; instead:
// - a non-production process proves the whole activation path (init() -> PRO) with a generated key pair that
//   the testing entry trusts; the verification code is the same in production, only the key list differs;
// - a production process proves that the key list is the vendor's (a forged license naming the vendor kid is
//   checked against the vendor key and fails on its signature, not as an unknown key), and that nothing else
//   is trusted there (not the testing entry, not the removed environment variable).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { VENDOR_PUBLIC_KEYS } from './license/vendor-keys.js';
import { createTestSigner, validClaims } from './test-support/license-fixtures.js';
import { createTestLicense, type TestLicense } from './testing.js';

const packageDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

/** Trusts `trust` through the testing entry (recording a refusal), then runs init() once per license key. */
const script = `
import { BulkheadError, init, getBulkheadRegistry } from '@x/bulkhead-core';
import { trustKeysForTesting } from '@x/bulkhead-pro/testing';
const { trust, keys } = JSON.parse(process.env.TEST_INPUT);
let trustError = null;
if (trust !== null) {
  try {
    trustKeysForTesting(trust);
  } catch (error) {
    trustError = { bulkheadError: BulkheadError.isInstance(error), name: error.name, code: error.code, message: error.message };
  }
}
const results = {};
for (const [label, licenseKey] of Object.entries(keys)) {
  const records = [];
  const logger = { info: (o) => records.push({ level: 'info', ...o }), warn: (o) => records.push({ level: 'warn', ...o }) };
  const entitlement = await init({ licenseKey, logger });
  results[label] = { ...entitlement, registry: getBulkheadRegistry().listNames(), records };
}
console.log(JSON.stringify({ trustError, results }));
`;

interface Outcome {
  trustError: { bulkheadError: boolean; name: string; code: string; message: string } | null;
  results: Record<
    string,
    {
      tier: string;
      reason?: string;
      testKey?: boolean;
      registry: string[];
      records: Array<{ level: string; event: string; reason?: string }>;
    }
  >;
}

async function runFreshProcess(options: {
  nodeEnv: 'production' | undefined;
  trust: unknown[] | null;
  keys: Record<string, string>;
  extraEnv?: Record<string, string>;
}): Promise<Outcome> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    TEST_INPUT: JSON.stringify({ trust: options.trust, keys: options.keys }),
    ...options.extraEnv,
  };
  if (options.nodeEnv !== undefined) env.NODE_ENV = options.nodeEnv;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDirectory,
    env,
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Outcome;
}

const events = (records: Array<{ event: string }>) => records.map((record) => record.event);

let valid: TestLicense;
let otherProduct: TestLicense;
let expired: TestLicense;
/** Header names the vendor's kid, but a generated key signed it: only the vendor key's signature check can reject it. */
let forgedVendorLicense: string;

beforeAll(async () => {
  valid = await createTestLicense({ licensee: 'Acme Corp', features: ['*'] });
  otherProduct = await createTestLicense({ product: 'x-bulkhead-other' });
  expired = await createTestLicense({ expiresInSeconds: -3600 });
  const forger = await createTestSigner();
  forgedVendorLicense = await forger.sign({
    payload: validClaims(),
    header: { kid: VENDOR_PUBLIC_KEYS[0]?.kid, typ: 'JWT' },
  });
});

describe('a license activates PRO through init() in a fresh process', () => {
  it('outside production, with a generated key trusted through the testing entry: pro (testKey), wrong_product, expired', async () => {
    const outcome = await runFreshProcess({
      nodeEnv: undefined,
      trust: [valid.publicKey, otherProduct.publicKey, expired.publicKey],
      keys: { valid: valid.licenseKey, otherProduct: otherProduct.licenseKey, expired: expired.licenseKey },
    });
    expect(outcome.trustError).toBeNull();
    const { results } = outcome;
    expect(results.valid).toMatchObject({
      tier: 'pro',
      licensee: 'Acme Corp',
      features: ['*'],
      testKey: true,
    });
    expect(results.valid?.registry).toEqual(['database', 'cache', 'external_api', 'message_queue']);
    expect(results.valid?.records).toContainEqual(
      expect.objectContaining({ level: 'warn', event: 'entitlement.test_key_used' }),
    );
    expect(results.otherProduct).toMatchObject({ tier: 'oss', reason: 'wrong_product' });
    expect(results.expired).toMatchObject({ tier: 'oss', reason: 'expired' });
  }, 60_000);
});

describe('NODE_ENV=production trusts the vendor key and nothing else', () => {
  it('looks the vendor kid up: a forged license naming it fails its signature (invalid_signature, not unknown_key_id)', async () => {
    const outcome = await runFreshProcess({
      nodeEnv: 'production',
      trust: null,
      keys: { forged: forgedVendorLicense },
    });
    expect(outcome.results.forged).toMatchObject({ tier: 'oss', reason: 'invalid_signature', registry: [] });
  }, 60_000);

  it('refuses trustKeysForTesting() with a BulkheadError, and a self-signed license stays OSS (unknown_key_id)', async () => {
    const outcome = await runFreshProcess({
      nodeEnv: 'production',
      trust: [valid.publicKey],
      keys: { selfSigned: valid.licenseKey },
    });
    expect(outcome.trustError).toMatchObject({
      bulkheadError: true,
      name: 'BulkheadError',
      code: 'BULKHEAD_ERROR',
    });
    expect(outcome.trustError?.message).toMatch(/refuses to run when NODE_ENV is production/);
    const result = outcome.results.selfSigned;
    expect(result).toMatchObject({ tier: 'oss', reason: 'unknown_key_id', registry: [] });
    expect(result?.testKey).toBeUndefined();
    expect(events(result?.records ?? [])).not.toContain('entitlement.test_key_used');
  }, 60_000);

  it.each([
    ['production', 'production'],
    ['outside production', undefined],
  ] as const)(
    'ignores BULKHEAD_PRO_TRUSTED_KEYS_FOR_TESTING (%s): a license signed with the key it names stays OSS',
    async (_label, nodeEnv) => {
      const outcome = await runFreshProcess({
        nodeEnv,
        trust: null,
        keys: { selfSigned: valid.licenseKey },
        extraEnv: { BULKHEAD_PRO_TRUSTED_KEYS_FOR_TESTING: JSON.stringify([valid.publicKey]) },
      });
      expect(outcome.results.selfSigned).toMatchObject({ tier: 'oss', reason: 'unknown_key_id' });
    },
    60_000,
  );
});
