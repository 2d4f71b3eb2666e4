import { readFile } from 'node:fs/promises';
import { verifyLicenseKey } from '@x/bulkhead-pro';
import { type JsonWebKey, trustKeysForTesting } from '@x/bulkhead-pro/testing';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { type CliIo, UsageError } from '../cli-io.js';

/** Options of `inspect`. */
export interface InspectOptions {
  token: string;
  /** A public JWK file to trust besides the embedded vendor keys (through the testing entry; not with NODE_ENV=production). */
  trust?: string;
  /** Instant to check validity at; default now. */
  now?: Date;
}

/** What `inspect` prints. */
export interface InspectReport {
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  status: string;
  detail?: string;
}

function decode<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

const asDate = (value: unknown): unknown =>
  typeof value === 'number' ? new Date(value * 1000).toISOString() : value;

/**
 * Decodes a license (header and claims, dates as ISO strings) and verifies it against the embedded vendor
 * keys; status is `valid` or the rejection reason.
 * @throws {UsageError} when the `--trust` file is not a public JWK.
 */
export async function inspect(options: InspectOptions, io: CliIo): Promise<InspectReport> {
  if (options.trust !== undefined) {
    let key: JsonWebKey;
    try {
      key = JSON.parse(await readFile(options.trust, 'utf8')) as JsonWebKey;
    } catch {
      throw new UsageError(`--trust ${options.trust} must be a public JWK file as printed by keygen`);
    }
    try {
      trustKeysForTesting([key]);
    } catch (error) {
      throw new UsageError(`--trust ${options.trust}: ${(error as Error).message}`);
    }
  }
  try {
    const token = options.token.trim();
    const header = decode(() => decodeProtectedHeader(token) as Record<string, unknown>);
    const payload = decode(() => decodeJwt(token) as Record<string, unknown>);
    const claims =
      payload === null
        ? null
        : { ...payload, iat: asDate(payload.iat), nbf: asDate(payload.nbf), exp: asDate(payload.exp) };
    const verification = await verifyLicenseKey(token, {
      ...(options.now === undefined ? {} : { now: options.now }),
      logger: { info: () => undefined, warn: (_record, message) => io.stderr(`warning: ${message ?? ''}\n`) },
    });
    const report: InspectReport = verification.valid
      ? { header, claims, status: 'valid' }
      : { header, claims, status: verification.reason, detail: verification.detail };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    if (options.trust !== undefined) trustKeysForTesting([]);
  }
}
