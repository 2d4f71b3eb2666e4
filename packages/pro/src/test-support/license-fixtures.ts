import type { EntitlementLogger } from '@x/bulkhead-core';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { LICENSE_PRODUCT } from '../license/license-claims.js';
import type { VendorPublicKey } from '../license/vendor-keys.js';

/** A key pair generated for one test run, signing licenses like the vendor does. */
export interface TestSigner {
  readonly publicKey: VendorPublicKey;
  /** Signs `payload` (default: a valid license for one hour) with optional header overrides. */
  sign(options?: { payload?: Record<string, unknown>; header?: Record<string, unknown> }): Promise<string>;
}

/** Seconds since the epoch. */
export const epochSeconds = (date = new Date()): number => Math.floor(date.getTime() / 1000);

/** Claims of a valid license, relative to now. */
export function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = epochSeconds();
  return {
    licensee: 'Acme Corp',
    product: LICENSE_PRODUCT,
    features: ['*'],
    iat: now,
    nbf: now,
    exp: now + 3600,
    ...overrides,
  };
}

/** Generates an Ed25519 key pair; its public half can be trusted with `trustKeysForTesting`. */
export async function createTestSigner(): Promise<TestSigner> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const x = String(jwk.x);
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x });
  return {
    publicKey: { kid, kty: 'OKP', crv: 'Ed25519', x },
    sign: ({ payload = validClaims(), header = {} } = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid, ...header }).sign(privateKey),
  };
}

/** One captured log record. */
export interface LogRecord {
  readonly level: 'info' | 'warn';
  readonly object: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A logger that keeps every record, with helpers to search them. */
export interface CapturingLogger {
  readonly logger: EntitlementLogger;
  readonly records: LogRecord[];
  /** Every record serialised, to assert that a secret never appears. */
  text(): string;
  /** Records whose `event` field is `event`. */
  events(event: string): LogRecord[];
}

/** Creates a `CapturingLogger`. */
export function captureLogs(): CapturingLogger {
  const records: LogRecord[] = [];
  const push = (level: 'info' | 'warn') => (object: Record<string, unknown>, message?: string) => {
    records.push({ level, object, message });
  };
  return {
    logger: { info: push('info'), warn: push('warn') },
    records,
    text: () => JSON.stringify(records),
    events: (event) => records.filter((record) => record.object.event === event),
  };
}
