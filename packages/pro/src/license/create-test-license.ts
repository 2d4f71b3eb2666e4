import {
  describeValue,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
} from '@x/bulkhead-core/extension';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ed25519Thumbprint } from './jwk-thumbprint.js';
import { LICENSE_PRODUCT } from './license-claims.js';
import type { VendorPublicKey } from './vendor-keys.js';

/** Options of `createTestLicense()`. */
export interface CreateTestLicenseOptions {
  /** `licensee` claim; default `'Test Licensee'`. */
  licensee?: string;
  /** `features` claim; default `['*']` (every feature). */
  features?: readonly string[];
  /** `product` claim; default `x-bulkhead-pro` (another value gives `wrong_product`). */
  product?: string;
  /** `exp` = now + this many seconds; default 3600; negative gives an expired license. */
  expiresInSeconds?: number;
  /** `nbf` = now + this many seconds; default 0; positive gives a license that is not valid yet. */
  notBeforeSeconds?: number;
}

/** What `createTestLicense()` returns. */
export interface TestLicense {
  /** The signed license (compact JWS) to pass to `init({ licenseKey })`. */
  readonly licenseKey: string;
  /** The public half of the generated key (not trusted yet: pass it to `trustKeysForTesting()`). */
  readonly publicKey: VendorPublicKey;
  /** The key id in the license header: the RFC 7638 thumbprint of `publicKey`. */
  readonly kid: string;
}

const OPTION_KEYS = ['licensee', 'features', 'product', 'expiresInSeconds', 'notBeforeSeconds'] as const;

function integerSeconds(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(
      `options.${option} must be an integer number of seconds, got ${describeValue(value)}`,
    );
  }
  return value;
}

function validateFeatures(value: unknown): string[] {
  if (value === undefined) return ['*'];
  if (!Array.isArray(value) || !value.every((feature) => typeof feature === 'string' && feature !== '')) {
    throw new TypeError(
      `options.features must be an array of non-empty strings, got ${describeValue(value)}`,
    );
  }
  return [...value];
}

/**
 * Generates an Ed25519 key pair and signs a license with it as the vendor does: header
 * `{ alg: 'EdDSA', kid, typ: 'JWT' }`, claims `licensee`, `product`, `features`, `iat`, `nbf`, `exp`.
 * @throws {TypeError | RangeError} when an option is invalid.
 */
export async function createTestLicense(options: CreateTestLicenseOptions = {}): Promise<TestLicense> {
  validateOptionsObject('options', options);
  validateKnownKeys(options, OPTION_KEYS);
  const licensee =
    options.licensee === undefined ? 'Test Licensee' : validateName('options.licensee', options.licensee);
  const product =
    options.product === undefined ? LICENSE_PRODUCT : validateName('options.product', options.product);
  const features = validateFeatures(options.features);
  const expiresIn = integerSeconds('expiresInSeconds', options.expiresInSeconds, 3600);
  const notBefore = integerSeconds('notBeforeSeconds', options.notBeforeSeconds, 0);
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const x = String((await exportJWK(publicKey)).x);
  const kid = ed25519Thumbprint(x);
  const now = Math.floor(Date.now() / 1000);
  const licenseKey = await new SignJWT({ licensee, product, features })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
    .setIssuedAt(now)
    .setNotBefore(now + notBefore)
    .setExpirationTime(now + expiresIn)
    .sign(privateKey);
  return Object.freeze({
    licenseKey,
    publicKey: Object.freeze({ kid, kty: 'OKP', crv: 'Ed25519', x } as const),
    kid,
  });
}
