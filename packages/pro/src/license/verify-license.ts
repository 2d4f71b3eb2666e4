import { type EntitlementLogger, getBulkheadLogger } from '@x/bulkhead-core';
import { validateKnownKeys, validateLogger, validateOptionsObject } from '@x/bulkhead-core/extension';
import {
  LICENSE_CLOCK_TOLERANCE_SECONDS,
  LICENSE_PRODUCT,
  type LicenseRejectionReason,
  type LicenseVerification,
} from './license-claims.js';
import { trustedTestKeys } from './test-keys.js';
import { VENDOR_PUBLIC_KEYS, type VendorPublicKey } from './vendor-keys.js';

/** Options of `verifyLicenseKey()`. */
export interface VerifyLicenseOptions {
  /** The instant to check validity at; default now. */
  now?: Date;
  /** Where warnings go; default `getBulkheadLogger()`. */
  logger?: EntitlementLogger;
}

/** Longest key we try to parse; anything longer is malformed. */
const MAX_KEY_LENGTH = 16_384;

type Jose = typeof import('jose');
type ImportedKey = Awaited<ReturnType<Jose['importJWK']>>;

const importedKeys = new Map<string, Promise<ImportedKey>>();

function reject(reason: LicenseRejectionReason, detail: string): LicenseVerification {
  return Object.freeze({ valid: false, reason, detail });
}

function importKey(jose: Jose, key: VendorPublicKey): Promise<ImportedKey> {
  const cacheKey = `${key.kid}:${key.x}`;
  let imported = importedKeys.get(cacheKey);
  if (imported === undefined) {
    imported = jose.importJWK({ kty: key.kty, crv: key.crv, x: key.x }, 'EdDSA');
    importedKeys.set(cacheKey, imported);
    imported.catch(() => importedKeys.delete(cacheKey));
  }
  return imported;
}

const OPTION_KEYS = ['now', 'logger'] as const;

function validateOptions(licenseKey: unknown, options: VerifyLicenseOptions): void {
  if (typeof licenseKey !== 'string')
    throw new TypeError(`licenseKey must be a string, got ${typeof licenseKey}`);
  validateOptionsObject('options', options);
  validateKnownKeys(options, OPTION_KEYS);
  if (options.now !== undefined && (!(options.now instanceof Date) || Number.isNaN(options.now.getTime()))) {
    throw new TypeError('options.now must be a valid Date');
  }
  if (options.logger !== undefined) validateLogger('options.logger', options.logger);
}

function mapJoseError(jose: Jose, error: unknown): LicenseVerification {
  if (error instanceof jose.errors.JWSSignatureVerificationFailed) {
    return reject('invalid_signature', 'signature does not match the claims');
  }
  if (error instanceof jose.errors.JOSEAlgNotAllowed) {
    return reject('invalid_signature', 'signing algorithm is not EdDSA');
  }
  if (error instanceof jose.errors.JWTExpired) return reject('expired', 'license has expired');
  if (error instanceof jose.errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') {
      return reject('not_yet_valid', 'license is not valid yet (nbf)');
    }
    return reject(
      'malformed_key',
      `claim '${error.claim}' is ${error.reason === 'missing' ? 'missing' : 'invalid'}`,
    );
  }
  return reject('malformed_key', 'not a compact JWS license token');
}

function readHeader(
  jose: Jose,
  licenseKey: string,
): { alg: unknown; kid: unknown; typ: unknown } | undefined {
  try {
    const header = jose.decodeProtectedHeader(licenseKey);
    return { alg: header.alg, kid: header.kid, typ: header.typ };
  } catch {
    return undefined;
  }
}

/**
 * Verifies a license key offline (no network): a compact JWS (`alg: EdDSA`, `typ: JWT`) signed by one of the
 * embedded vendor keys, for product `x-bulkhead-pro`, inside its validity window (60 s clock skew tolerance).
 * Outside production a key trusted through `@x/bulkhead-pro/testing` also counts, with a warning. Never echoes the key.
 * @throws {TypeError} when `licenseKey` is not a string or an option has the wrong type.
 */
export async function verifyLicenseKey(
  licenseKey: string,
  options: VerifyLicenseOptions = {},
): Promise<LicenseVerification> {
  validateOptions(licenseKey, options);
  const token = licenseKey.trim();
  if (token.length === 0 || token.length > MAX_KEY_LENGTH || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
    return reject('malformed_key', 'not a compact JWS license token');
  }
  const jose: Jose = await import('jose');
  const header = readHeader(jose, token);
  if (header === undefined) return reject('malformed_key', 'license header is not valid JSON');
  if (header.alg !== 'EdDSA') return reject('invalid_signature', 'signing algorithm is not EdDSA');
  if (header.typ !== undefined && header.typ !== 'JWT') {
    return reject('malformed_key', "license header typ must be 'JWT'");
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0) {
    return reject('unknown_key_id', 'license header has no kid');
  }
  const kid = header.kid;
  const vendorKey = VENDOR_PUBLIC_KEYS.find((candidate) => candidate.kid === kid);
  const testKey =
    vendorKey === undefined ? trustedTestKeys().find((candidate) => candidate.kid === kid) : undefined;
  const key: VendorPublicKey | undefined = vendorKey ?? testKey;
  if (key === undefined)
    return reject('unknown_key_id', `no trusted vendor key has kid '${kid.slice(0, 64)}'`);
  let payload: Record<string, unknown>;
  try {
    const cryptoKey = await importKey(jose, key);
    const result = await jose.jwtVerify(token, cryptoKey, {
      algorithms: ['EdDSA'],
      clockTolerance: LICENSE_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['iat', 'nbf', 'exp'],
      ...(options.now === undefined ? {} : { currentDate: options.now }),
    });
    payload = result.payload;
  } catch (error) {
    return mapJoseError(jose, error);
  }
  if (payload.product !== LICENSE_PRODUCT) {
    return reject('wrong_product', `license is for another product, not '${LICENSE_PRODUCT}'`);
  }
  const { licensee, features } = payload;
  if (typeof licensee !== 'string' || licensee.length === 0) {
    return reject('malformed_key', "claim 'licensee' is missing");
  }
  if (!Array.isArray(features) || !features.every((feature) => typeof feature === 'string')) {
    return reject('malformed_key', "claim 'features' must be an array of strings");
  }
  const seconds = (claim: unknown): Date => new Date(Number(claim) * 1000);
  if (testKey !== undefined) {
    (options.logger ?? getBulkheadLogger()).warn(
      { event: 'entitlement.test_key_used', keyId: testKey.kid, licensee },
      'Bulkhead PRO license verified with a key trusted FOR TESTING, not a vendor key; never do this in production',
    );
  }
  return Object.freeze({
    valid: true,
    testKeyUsed: testKey !== undefined,
    license: Object.freeze({
      licensee,
      product: LICENSE_PRODUCT,
      features: Object.freeze([...features]),
      issuedAt: seconds(payload.iat),
      notBefore: seconds(payload.nbf),
      expiresAt: seconds(payload.exp),
      keyId: key.kid,
    }),
  });
}
