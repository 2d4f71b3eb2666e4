import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, importPKCS8, SignJWT } from 'jose';
import { type CliIo, UsageError } from '../cli-io.js';
import { assertOutsideRepository } from '../outside-repository.js';

/** Options of `issue`. */
export interface IssueOptions {
  /** Path of the PKCS#8 PEM private key. */
  key: string;
  licensee: string;
  /** Comma-separated feature names (`*` for all). */
  features: string;
  /** Last valid day (`YYYY-MM-DD`, valid through 23:59:59 UTC) or an ISO date-time. */
  expires: string;
  /** First valid instant; default now. */
  notBefore?: string;
  /** Product claim; default `x-bulkhead-pro`. */
  product?: string;
  /** Issue instant (tests); default now. */
  now?: Date;
}

function parseInstant(option: string, text: string, endOfDay: boolean): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const date = new Date(dateOnly ? `${text}T${endOfDay ? '23:59:59' : '00:00:00'}Z` : text);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(
      `--${option} must be a date (YYYY-MM-DD) or ISO date-time, got ${JSON.stringify(text)}`,
    );
  return date;
}

function parseFeatures(text: string): string[] {
  const features = text
    .split(',')
    .map((feature) => feature.trim())
    .filter((feature) => feature !== '');
  if (features.length === 0) throw new UsageError('--features must list at least one feature (a,b or *)');
  return features;
}

/**
 * Signs a license (compact JWS, EdDSA) with the private key and prints it; the header's `kid` is the
 * key's thumbprint, matching the public JWK `keygen` printed.
 * @throws {UsageError} for a missing or invalid option, or a key file inside a git repository.
 */
export async function issue(options: IssueOptions, io: CliIo): Promise<string> {
  if (options.licensee.trim() === '') throw new UsageError('--licensee must not be empty');
  const features = parseFeatures(options.features);
  const now = options.now ?? new Date();
  const expiresAt = parseInstant('expires', options.expires, true);
  const notBefore =
    options.notBefore === undefined ? now : parseInstant('not-before', options.notBefore, false);
  if (expiresAt.getTime() <= now.getTime()) throw new UsageError('--expires must be in the future');
  if (notBefore.getTime() >= expiresAt.getTime())
    throw new UsageError('--not-before must be before --expires');
  assertOutsideRepository('key', options.key);
  let pem: string;
  try {
    pem = await readFile(options.key, 'utf8');
  } catch {
    throw new UsageError(`cannot read the private key file ${options.key}`);
  }
  const privateKey = await importPKCS8(pem, 'EdDSA', { extractable: true }).catch(() => {
    throw new UsageError(`${options.key} is not a PKCS#8 PEM Ed25519 private key`);
  });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) });
  const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
  const token = await new SignJWT({
    licensee: options.licensee.trim(),
    product: options.product ?? 'x-bulkhead-pro',
    features,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
    .setIssuedAt(seconds(now))
    .setNotBefore(seconds(notBefore))
    .setExpirationTime(seconds(expiresAt))
    .sign(privateKey);
  io.stdout(`${token}\n`);
  return token;
}
