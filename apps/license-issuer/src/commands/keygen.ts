import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { type CliIo, UsageError } from '../cli-io.js';
import { assertOutsideRepository } from '../outside-repository.js';

/** Options of `keygen`. */
export interface KeygenOptions {
  /** Where to write the PKCS#8 PEM private key (mode 0600); never overwritten. */
  out: string;
}

/** The public half of a signing key, as embedded in `@x/bulkhead-pro`'s vendor keys. */
export interface PublicJwk {
  kid: string;
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

/**
 * Generates an Ed25519 key pair, writes the private key to `options.out` (refusing to overwrite) and
 * prints the public JWK (its `kid` is the RFC 7638 thumbprint).
 * @throws {UsageError} when the file exists or lies inside a git repository.
 */
export async function keygen(options: KeygenOptions, io: CliIo): Promise<PublicJwk> {
  assertOutsideRepository('out', options.out);
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const pem = await exportPKCS8(privateKey);
  const jwk = await exportJWK(publicKey);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new UsageError('unexpected key type from generateKeyPair', { showUsage: false });
  }
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
  const target = path.resolve(options.out);
  try {
    await writeFile(target, pem, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') {
      throw new UsageError(`${target} already exists; refusing to overwrite a private key`, {
        showUsage: false,
      });
    }
    throw error;
  }
  const publicJwk: PublicJwk = { kid, kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  io.stdout(`${JSON.stringify(publicJwk, null, 2)}\n`);
  io.stderr(`Private key written to ${target} (keep it offline; never commit it).\n`);
  return publicJwk;
}
