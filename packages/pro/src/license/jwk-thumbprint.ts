import { createHash } from 'node:crypto';

/** The RFC 7638 thumbprint (SHA-256, base64url) of an Ed25519 public key given by its `x`. */
export function ed25519Thumbprint(x: string): string {
  // RFC 7638: the required members of an OKP key, in lexicographic order, without whitespace.
  const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x });
  return createHash('sha256').update(canonical).digest('base64url');
}
