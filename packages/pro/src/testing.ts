// @x/bulkhead-pro/testing: helpers for tests of applications that use PRO. Nothing here works in production:
// trustKeysForTesting() refuses when NODE_ENV is production, and the verifier ignores test keys there anyway.
import { resetFeatureReports } from './feature-gate.js';
import { type JsonWebKey, trustTestKeys } from './license/test-keys.js';
import { resetProServices } from './pro-services.js';

export {
  type CreateTestLicenseOptions,
  createTestLicense,
  type TestLicense,
} from './license/create-test-license.js';
export type { JsonWebKey } from './license/test-keys.js';

/**
 * Trusts `publicKeys` (Ed25519 public JWKs, e.g. from `createTestLicense()`) besides the vendor keys, replacing
 * the keys trusted before (`[]` forgets them). Entitlements they verify carry `testKey: true` and log a warning.
 * @throws {BulkheadError} when `process.env.NODE_ENV` is `production`; {TypeError} for a key that is not an Ed25519 public JWK.
 */
export function trustKeysForTesting(publicKeys: readonly JsonWebKey[]): void {
  trustTestKeys(publicKeys);
}

/**
 * Closes and forgets the PRO registry installed by `init()` and its `configureProRegistry()` settings, and
 * forgets which unavailable features were reported. Keys trusted for testing stay trusted.
 */
export function resetProForTesting(): void {
  resetProServices();
  resetFeatureReports();
}
