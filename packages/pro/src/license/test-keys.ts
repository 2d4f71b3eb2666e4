import { BulkheadError } from '@x/bulkhead-core';
import { describeValue, globalExtensionState } from '@x/bulkhead-core/extension';
import { ed25519Thumbprint } from './jwk-thumbprint.js';
import type { VendorPublicKey } from './vendor-keys.js';

/**
 * A JSON Web Key as `trustKeysForTesting()` takes it: structurally compatible with the DOM's, Node's
 * (`node:crypto`) and jose's JWK types, so a key from any of them can be passed.
 */
export interface JsonWebKey {
  readonly kty?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly kid?: string;
  readonly d?: string;
  readonly alg?: string;
  readonly use?: string;
}

/** Keys trusted for testing; kept in core's global slot so every copy and bundle of this package agrees. */
interface TestKeyState {
  keys: readonly VendorPublicKey[];
}

const testKeyState = (): TestKeyState =>
  globalExtensionState<TestKeyState>('@x/bulkhead-pro/test-keys', () => ({ keys: [] }));

/** True when this process runs in production (`NODE_ENV=production`), where test keys never count. */
export function isProductionProcess(): boolean {
  return process.env.NODE_ENV === 'production';
}

function toTestKey(key: unknown, index: number): VendorPublicKey {
  const where = `publicKeys[${index}]`;
  if (typeof key !== 'object' || key === null || Array.isArray(key)) {
    throw new TypeError(`${where} must be an Ed25519 public JWK, got ${describeValue(key)}`);
  }
  const jwk = key as Record<string, unknown>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || jwk.x === '') {
    throw new TypeError(`${where} must be an Ed25519 public JWK ({ kty: 'OKP', crv: 'Ed25519', x })`);
  }
  if (jwk.d !== undefined) {
    throw new TypeError(`${where} is a private key (it has 'd'); pass its public half only`);
  }
  const kid = ed25519Thumbprint(jwk.x);
  if (jwk.kid !== undefined && jwk.kid !== kid) {
    throw new TypeError(
      `${where}.kid must be the key's RFC 7638 thumbprint '${kid}', got ${describeValue(jwk.kid)}`,
    );
  }
  return Object.freeze({ kid, kty: 'OKP', crv: 'Ed25519', x: jwk.x });
}

/**
 * Trusts `publicKeys` besides the vendor keys (replacing earlier test keys; `[]` forgets them).
 * @throws {BulkheadError} when `NODE_ENV` is `production`; {TypeError} unless every key is an Ed25519 public JWK.
 */
export function trustTestKeys(publicKeys: readonly JsonWebKey[]): void {
  if (isProductionProcess()) {
    throw new BulkheadError(
      'trustKeysForTesting() refuses to run when NODE_ENV is production: a production process trusts only the vendor keys embedded in @x/bulkhead-pro',
    );
  }
  if (!Array.isArray(publicKeys)) {
    throw new TypeError(
      `publicKeys must be an array of Ed25519 public JWKs, got ${describeValue(publicKeys)}`,
    );
  }
  const keys = publicKeys.map((key, index) => toTestKey(key, index));
  testKeyState().keys = Object.freeze(keys);
}

/** The keys trusted for testing; always none in production, whatever was trusted before. */
export function trustedTestKeys(): readonly VendorPublicKey[] {
  return isProductionProcess() ? [] : testKeyState().keys;
}
