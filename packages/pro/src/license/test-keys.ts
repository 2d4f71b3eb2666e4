import type { EntitlementLogger } from '@x/bulkhead-core';
import type { VendorPublicKey } from './vendor-keys.js';

/** Environment variable holding a JSON array of extra public keys (tests only; every use logs a warning). */
export const TEST_KEYS_ENVIRONMENT_VARIABLE = 'BULKHEAD_PRO_TRUSTED_KEYS_FOR_TESTING';

let keysTrustedForTesting: readonly VendorPublicKey[] = [];

function isVendorPublicKey(value: unknown): value is VendorPublicKey {
  const key = value as Partial<VendorPublicKey> | null;
  return (
    typeof key === 'object' &&
    key !== null &&
    typeof key.kid === 'string' &&
    key.kid.length > 0 &&
    key.kty === 'OKP' &&
    key.crv === 'Ed25519' &&
    typeof key.x === 'string'
  );
}

/**
 * TEST ONLY: trusts extra public keys besides the embedded vendor keys, so tests can sign licenses with a
 * key pair they generate. Every verification that consults them logs `entitlement.test_keys_trusted`
 * as a warning. Pass `[]` to forget them.
 * @throws {TypeError} unless `keys` is an array of Ed25519 public JWKs with a `kid`.
 */
export function trustKeysForTesting(keys: readonly VendorPublicKey[]): void {
  if (!Array.isArray(keys) || !keys.every(isVendorPublicKey)) {
    throw new TypeError(
      "keys must be an array of Ed25519 public JWKs ({ kid, kty: 'OKP', crv: 'Ed25519', x })",
    );
  }
  keysTrustedForTesting = Object.freeze(keys.map((key) => Object.freeze({ ...key })));
}

function keysFromEnvironment(
  env: Record<string, string | undefined>,
  logger: EntitlementLogger,
): VendorPublicKey[] {
  const text = env[TEST_KEYS_ENVIRONMENT_VARIABLE];
  if (text === undefined || text.trim() === '') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every(isVendorPublicKey)) return parsed;
  } catch {
    // reported below
  }
  logger.warn(
    { event: 'entitlement.test_keys_ignored', variable: TEST_KEYS_ENVIRONMENT_VARIABLE },
    `${TEST_KEYS_ENVIRONMENT_VARIABLE} is not a JSON array of Ed25519 public JWKs with a kid; ignored`,
  );
  return [];
}

/** The keys trusted for testing (programmatic and from the environment); warns every time there are any. */
export function resolveTestKeys(
  env: Record<string, string | undefined>,
  logger: EntitlementLogger,
): readonly VendorPublicKey[] {
  const keys = [...keysTrustedForTesting, ...keysFromEnvironment(env, logger)];
  if (keys.length > 0) {
    logger.warn(
      { event: 'entitlement.test_keys_trusted', keyIds: keys.map((key) => key.kid) },
      'License verification trusts keys injected FOR TESTING; never do this in production',
    );
  }
  return keys;
}
