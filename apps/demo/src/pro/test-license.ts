// The demo's one door to PRO test keys. Target API: `@x/bulkhead-pro/testing` (createTestLicense,
// trustKeysForTesting, resetProForTesting). Until that entry lands, this file provides the same three
// functions on top of the `trustKeysForTesting` that pro's main entry still exports, and signs the
// license itself with node:crypto exactly as the vendor's issuer does (EdDSA compact JWS).
import { createHash, generateKeyPairSync, type JsonWebKey, sign } from 'node:crypto';
import { resetEntitlementForTesting } from '@x/bulkhead-core';
import {
  LICENSE_PRODUCT,
  resetFeatureReportsForTesting,
  resetProServicesForTesting,
  trustKeysForTesting as trustKeys,
} from '@x/bulkhead-pro';

/** Options of `createTestLicense()` (same as `@x/bulkhead-pro/testing`). */
export interface TestLicenseOptions {
  licensee?: string;
  features?: readonly string[];
  product?: string;
  expiresInSeconds?: number;
  notBeforeSeconds?: number;
}

/** A license signed with a freshly generated key pair, and that pair's public half. */
export interface TestLicense {
  readonly licenseKey: string;
  readonly publicKey: JsonWebKey;
  readonly kid: string;
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** Generates an Ed25519 key pair and signs a license with it (trust it with `trustKeysForTesting`). */
export async function createTestLicense(options: TestLicenseOptions = {}): Promise<TestLicense> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const x = String(jwk.x);
  const kid = createHash('sha256')
    .update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
    .digest('base64url'); // RFC 7638 thumbprint
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'EdDSA', kid, typ: 'JWT' };
  const claims = {
    licensee: options.licensee ?? 'Bulkhead demo (test key)',
    product: options.product ?? LICENSE_PRODUCT,
    features: options.features ?? ['*'],
    iat: now,
    nbf: now + (options.notBeforeSeconds ?? 0),
    exp: now + (options.expiresInSeconds ?? 3600),
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign(null, Buffer.from(signingInput), privateKey);
  return {
    licenseKey: `${signingInput}.${base64url(signature)}`,
    publicKey: { kid, kty: 'OKP', crv: 'Ed25519', x },
    kid,
  };
}

/**
 * Trusts `publicKeys` besides the vendor keys (logged as a warning on every verification).
 * @throws {TypeError} for keys that are not Ed25519 public JWKs with a `kid`.
 */
export function trustKeysForTesting(publicKeys: readonly JsonWebKey[]): void {
  trustKeys(publicKeys as unknown as Parameters<typeof trustKeys>[0]); // pro validates each key
}

/** Forgets trusted test keys, the PRO registry, feature reports and the entitlement. */
export function resetProForTesting(): void {
  trustKeys([]);
  resetProServicesForTesting();
  resetFeatureReportsForTesting();
  resetEntitlementForTesting();
}
