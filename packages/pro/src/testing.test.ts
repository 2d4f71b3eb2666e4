import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import * as mainEntry from './index.js';
import { verifyLicenseKey } from './license/verify-license.js';
import { silentLogger } from './test-support/silent-logger.js';
import * as testingEntry from './testing.js';
import { createTestLicense, trustKeysForTesting } from './testing.js';

afterEach(() => trustKeysForTesting([]));

describe('@x/bulkhead-pro/testing', () => {
  it('is the only entry with test helpers', () => {
    expect(Object.keys(testingEntry).sort()).toEqual([
      'createTestLicense',
      'resetProForTesting',
      'trustKeysForTesting',
    ]);
    for (const name of [
      'trustKeysForTesting',
      'resetProServicesForTesting',
      'resetFeatureReportsForTesting',
      'TEST_KEYS_ENVIRONMENT_VARIABLE',
    ]) {
      expect(mainEntry, name).not.toHaveProperty(name);
    }
  });

  it('createTestLicense signs the documented header and claims with a fresh key that is not trusted yet', async () => {
    const license = await createTestLicense({ licensee: 'Acme Corp', features: ['drain'] });
    expect(decodeProtectedHeader(license.licenseKey)).toEqual({ alg: 'EdDSA', kid: license.kid, typ: 'JWT' });
    const claims = decodeJwt(license.licenseKey);
    expect(claims).toMatchObject({ licensee: 'Acme Corp', product: 'x-bulkhead-pro', features: ['drain'] });
    expect(claims.exp).toBe(Number(claims.iat) + 3600);
    expect(claims.nbf).toBe(claims.iat);
    expect(license.publicKey).toEqual({
      kid: license.kid,
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.any(String),
    });
    const verify = () => verifyLicenseKey(license.licenseKey, { logger: silentLogger });
    expect(await verify()).toMatchObject({ valid: false, reason: 'unknown_key_id' });
    trustKeysForTesting([license.publicKey]);
    expect(await verify()).toMatchObject({ valid: true, testKeyUsed: true });
  });

  it('createTestLicense makes licenses that are expired, not valid yet or for another product', async () => {
    const cases = [
      [{ expiresInSeconds: -3600 }, 'expired'],
      [{ notBeforeSeconds: 3600 }, 'not_yet_valid'],
      [{ product: 'x-other' }, 'wrong_product'],
    ] as const;
    for (const [options, reason] of cases) {
      const license = await createTestLicense(options);
      trustKeysForTesting([license.publicKey]);
      expect(await verifyLicenseKey(license.licenseKey, { logger: silentLogger }), reason).toMatchObject({
        reason,
      });
    }
  });

  it('createTestLicense validates its options', async () => {
    await expect(createTestLicense({ expiresInSecond: 5 } as never)).rejects.toThrow(
      'options.expiresInSecond is not a known option; did you mean expiresInSeconds?',
    );
    await expect(createTestLicense({ features: 'drain' as never })).rejects.toThrow(/options.features/);
    await expect(createTestLicense({ expiresInSeconds: 1.5 })).rejects.toThrow(/options.expiresInSeconds/);
    await expect(createTestLicense({ licensee: '' })).rejects.toThrow(/options.licensee/);
  });

  it('trustKeysForTesting accepts public JWKs only, with their own thumbprint as kid', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const { publicKey, kid } = await createTestLicense();
    expect(() => trustKeysForTesting([privateJwk])).toThrow("publicKeys[0] is a private key (it has 'd')");
    expect(() => trustKeysForTesting([{ ...publicKey, kid: 'vendor-kid' }])).toThrow(
      `publicKeys[0].kid must be the key's RFC 7638 thumbprint '${kid}'`,
    );
    expect(() => trustKeysForTesting([{ kty: 'RSA', n: 'x' } as never])).toThrow(TypeError);
    expect(() => trustKeysForTesting('key' as never)).toThrow(TypeError);
    const { kid: _kid, ...withoutKid } = publicKey;
    expect(() => trustKeysForTesting([withoutKid])).not.toThrow();
  });
});
