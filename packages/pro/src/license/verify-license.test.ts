import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BulkheadError } from '@x/bulkhead-core';
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
import { trustKeysForTesting } from '../testing.js';
import { LICENSE_CLOCK_TOLERANCE_SECONDS } from './license-claims.js';
import { VENDOR_PUBLIC_KEYS } from './vendor-keys.js';
import { verifyLicenseKey } from './verify-license.js';

let signer: TestSigner;
const verify = (token: string, now?: Date) =>
  verifyLicenseKey(token, { logger: silentLogger, ...(now === undefined ? {} : { now }) });

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

  it('logs a warning every time a key trusted for testing verifies a license', async () => {
    trustKeysForTesting([signer.publicKey]);
    const logs = captureLogs();
    const token = await signer.sign();
    await verifyLicenseKey(token, { logger: logs.logger });
    await verifyLicenseKey(token, { logger: logs.logger });
    const warnings = logs.events('entitlement.test_key_used');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ level: 'warn', object: { keyId: signer.publicKey.kid } });
  });

  it('ignores the removed BULKHEAD_PRO_TRUSTED_KEYS_FOR_TESTING variable', async () => {
    const previous = process.env.BULKHEAD_PRO_TRUSTED_KEYS_FOR_TESTING;
    process.env.BULKHEAD_PRO_TRUSTED_KEYS_FOR_TESTING = JSON.stringify([signer.publicKey]);
    try {
      const logs = captureLogs();
      expect(await verifyLicenseKey(await signer.sign(), { logger: logs.logger })).toMatchObject({
        valid: false,
        reason: 'unknown_key_id',
      });
      expect(logs.records).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.BULKHEAD_PRO_TRUSTED_KEYS_FOR_TESTING;
      else process.env.BULKHEAD_PRO_TRUSTED_KEYS_FOR_TESTING = previous;
    }
  });

  it('never consults test keys once NODE_ENV is production', async () => {
    trustKeysForTesting([signer.publicKey]);
    const token = await signer.sign();
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(await verify(token)).toMatchObject({ valid: false, reason: 'unknown_key_id' });
      expect(() => trustKeysForTesting([signer.publicKey])).toThrow(BulkheadError);
      expect(() => trustKeysForTesting([])).toThrow(/refuses to run when NODE_ENV is production/);
    } finally {
      if (previous === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = previous;
    }
    expect(await verify(token)).toMatchObject({ valid: true, testKeyUsed: true });
  });

  it('rejects a header typ other than JWT as malformed_key', async () => {
    trustKeysForTesting([signer.publicKey]);
    expect(await verify(await signer.sign({ header: { typ: 'JWT' } }))).toMatchObject({ valid: true });
    expect(await verify(await signer.sign({ header: { typ: 'at+jwt' } }))).toMatchObject({
      valid: false,
      reason: 'malformed_key',
    });
  });

  it('validates its arguments', async () => {
    await expect(verifyLicenseKey(42 as never)).rejects.toThrow(/licenseKey must be a string/);
    await expect(verifyLicenseKey('a', { now: new Date(Number.NaN) })).rejects.toThrow(/options.now/);
    await expect(verifyLicenseKey('a', { env: {} } as never)).rejects.toThrow(
      'options.env is not a known option',
    );
    await expect(verifyLicenseKey('a', { nwo: new Date() } as never)).rejects.toThrow(
      'options.nwo is not a known option; did you mean now?',
    );
    await expect(verifyLicenseKey('a', { logger: {} as never })).rejects.toThrow(/options.logger/);
  });
});

describe('VENDOR_PUBLIC_KEYS', () => {
  const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  const publishedKeyFile = path.join(repositoryRoot, '../shared/licensing/vendor-public-key.json');

  it('embeds exactly the vendor key the vendor published (../shared/licensing/vendor-public-key.json)', () => {
    const published = JSON.parse(readFileSync(publishedKeyFile, 'utf8')) as Record<string, unknown>;
    expect(VENDOR_PUBLIC_KEYS).toEqual([published]);
  });

  it('holds Ed25519 public keys only, each with its RFC 7638 thumbprint as kid', async () => {
    for (const key of VENDOR_PUBLIC_KEYS) {
      expect(Object.keys(key).sort()).toEqual(['crv', 'kid', 'kty', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
      expect(await calculateJwkThumbprint({ kty: key.kty, crv: key.crv, x: key.x })).toBe(key.kid);
    }
  });
});
