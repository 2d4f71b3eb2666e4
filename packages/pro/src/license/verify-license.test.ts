import { calculateJwkThumbprint } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  captureLogs,
  createTestSigner,
  epochSeconds,
  type TestSigner,
  validClaims,
} from '../test-support/license-fixtures.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { LICENSE_CLOCK_TOLERANCE_SECONDS } from './license-claims.js';
import { TEST_KEYS_ENVIRONMENT_VARIABLE, trustKeysForTesting } from './test-keys.js';
import { VENDOR_PUBLIC_KEYS } from './vendor-keys.js';
import { verifyLicenseKey } from './verify-license.js';

let signer: TestSigner;
const verify = (token: string, now?: Date) =>
  verifyLicenseKey(token, { logger: silentLogger, env: {}, ...(now === undefined ? {} : { now }) });

beforeAll(async () => {
  signer = await createTestSigner();
});

afterEach(() => trustKeysForTesting([]));

describe('verifyLicenseKey', () => {
  it('accepts a valid license signed by a trusted key and returns its claims', async () => {
    trustKeysForTesting([signer.publicKey]);
    const result = await verify(
      await signer.sign({ payload: validClaims({ features: ['admin_api', 'drain'] }) }),
    );
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.testKeyUsed).toBe(true);
    expect(result.license).toMatchObject({ licensee: 'Acme Corp', features: ['admin_api', 'drain'] });
    expect(result.license.keyId).toBe(signer.publicKey.kid);
    expect(result.license.expiresAt).toBeInstanceOf(Date);
  });

  it('rejects garbage as malformed_key', async () => {
    for (const key of ['', 'abc', 'a.b', 'a.b.c', '....', `${'x'.repeat(20_000)}.a.b`]) {
      expect(await verify(key)).toMatchObject({ valid: false, reason: 'malformed_key' });
    }
  });

  it('rejects a tampered payload as invalid_signature', async () => {
    trustKeysForTesting([signer.publicKey]);
    const [header, , signature] = (await signer.sign()).split('.');
    const forged = Buffer.from(JSON.stringify(validClaims({ licensee: 'Mallory' }))).toString('base64url');
    expect(await verify(`${header}.${forged}.${signature}`)).toMatchObject({
      valid: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects a license signed by an untrusted key as unknown_key_id', async () => {
    expect(await verify(await signer.sign())).toMatchObject({ valid: false, reason: 'unknown_key_id' });
  });

  it('rejects a license without kid as unknown_key_id', async () => {
    trustKeysForTesting([signer.publicKey]);
    const token = await signer.sign({ header: { kid: undefined } });
    expect(await verify(token)).toMatchObject({ valid: false, reason: 'unknown_key_id' });
  });

  it('rejects a non-EdDSA algorithm (alg none) as invalid_signature', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: signer.publicKey.kid })).toString(
      'base64url',
    );
    const payload = Buffer.from(JSON.stringify(validClaims())).toString('base64url');
    trustKeysForTesting([signer.publicKey]);
    expect(await verify(`${header}.${payload}.AAAA`)).toMatchObject({
      valid: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects an expired license, tolerating the clock skew', async () => {
    trustKeysForTesting([signer.publicKey]);
    const now = epochSeconds();
    const justExpired = await signer.sign({
      payload: validClaims({ iat: now - 7200, nbf: now - 7200, exp: now - 10 }),
    });
    expect((await verify(justExpired)).valid).toBe(true);
    const expired = await signer.sign({
      payload: validClaims({
        iat: now - 7200,
        nbf: now - 7200,
        exp: now - LICENSE_CLOCK_TOLERANCE_SECONDS - 5,
      }),
    });
    expect(await verify(expired)).toMatchObject({ valid: false, reason: 'expired' });
  });

  it('rejects a license that is not valid yet, tolerating the clock skew', async () => {
    trustKeysForTesting([signer.publicKey]);
    const now = epochSeconds();
    const almost = await signer.sign({ payload: validClaims({ nbf: now + 10, exp: now + 7200 }) });
    expect((await verify(almost)).valid).toBe(true);
    const future = await signer.sign({
      payload: validClaims({ nbf: now + LICENSE_CLOCK_TOLERANCE_SECONDS + 60, exp: now + 7200 }),
    });
    expect(await verify(future)).toMatchObject({ valid: false, reason: 'not_yet_valid' });
  });

  it('checks validity at options.now', async () => {
    trustKeysForTesting([signer.publicKey]);
    const token = await signer.sign();
    expect(await verify(token, new Date(Date.UTC(2100, 0, 1)))).toMatchObject({ reason: 'expired' });
  });

  it('rejects a license for another product as wrong_product', async () => {
    trustKeysForTesting([signer.publicKey]);
    const token = await signer.sign({ payload: validClaims({ product: 'x-other-product' }) });
    expect(await verify(token)).toMatchObject({ valid: false, reason: 'wrong_product' });
  });

  it('rejects missing claims as malformed_key', async () => {
    trustKeysForTesting([signer.publicKey]);
    for (const claim of ['exp', 'nbf', 'iat', 'licensee', 'features']) {
      const payload = validClaims();
      delete payload[claim];
      expect(await verify(await signer.sign({ payload })), claim).toMatchObject({ reason: 'malformed_key' });
    }
  });

  it('logs a warning every time keys trusted for testing are consulted', async () => {
    trustKeysForTesting([signer.publicKey]);
    const logs = captureLogs();
    const token = await signer.sign();
    await verifyLicenseKey(token, { logger: logs.logger, env: {} });
    await verifyLicenseKey(token, { logger: logs.logger, env: {} });
    expect(logs.events('entitlement.test_keys_trusted')).toHaveLength(2);
    expect(logs.events('entitlement.test_keys_trusted')[0]?.level).toBe('warn');
  });

  it('trusts keys from the test-only environment variable, with a warning', async () => {
    const logs = captureLogs();
    const env = { [TEST_KEYS_ENVIRONMENT_VARIABLE]: JSON.stringify([signer.publicKey]) };
    const result = await verifyLicenseKey(await signer.sign(), { logger: logs.logger, env });
    expect(result.valid).toBe(true);
    expect(logs.events('entitlement.test_keys_trusted')).toHaveLength(1);
  });

  it('ignores an invalid test-key variable with a warning', async () => {
    const logs = captureLogs();
    const env = { [TEST_KEYS_ENVIRONMENT_VARIABLE]: 'not json' };
    expect(await verifyLicenseKey(await signer.sign(), { logger: logs.logger, env })).toMatchObject({
      reason: 'unknown_key_id',
    });
    expect(logs.events('entitlement.test_keys_ignored')).toHaveLength(1);
  });

  it('validates its arguments', async () => {
    await expect(verifyLicenseKey(42 as never)).rejects.toThrow(/licenseKey must be a string/);
    await expect(verifyLicenseKey('a', { now: new Date(Number.NaN) })).rejects.toThrow(/options.now/);
    await expect(verifyLicenseKey('a', { env: null as never })).rejects.toThrow(/options.env/);
    await expect(verifyLicenseKey('a', { logger: {} as never })).rejects.toThrow(/options.logger/);
    expect(() => trustKeysForTesting([{ kid: 'k' }] as never)).toThrow(TypeError);
  });
});

describe('VENDOR_PUBLIC_KEYS', () => {
  it('embeds several Ed25519 public keys whose kid is their thumbprint (no private part)', async () => {
    expect(VENDOR_PUBLIC_KEYS.length).toBeGreaterThanOrEqual(2);
    for (const key of VENDOR_PUBLIC_KEYS) {
      expect(Object.keys(key).sort()).toEqual(['crv', 'kid', 'kty', 'x']);
      expect(await calculateJwkThumbprint({ kty: key.kty, crv: key.crv, x: key.x })).toBe(key.kid);
    }
  });
});
