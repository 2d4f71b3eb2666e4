/** An Ed25519 public key as a JWK (RFC 8037) with its key id. */
export interface VendorPublicKey {
  /** Key id, the RFC 7638 thumbprint of the key; license headers name it in `kid`. */
  readonly kid: string;
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  /** Base64url-encoded public key. */
  readonly x: string;
}

/**
 * The vendor public keys that sign Bulkhead PRO licenses; the private halves are held offline by the vendor
 * and are never in this repository. To rotate, a release adds the new key here before licenses are issued
 * with it; the old key stays until the last license it signed has expired (see apps/license-issuer).
 */
export const VENDOR_PUBLIC_KEYS: readonly VendorPublicKey[] = Object.freeze([
  // Vendor signing key since 2026-12 (published as shared/licensing/vendor-public-key.json).
  Object.freeze({
    kid: 'vuBu8vQ1TwLN5BcdHupujDpZ8QnYAOXSqbfpeNfjcCA',
    kty: 'OKP',
    crv: 'Ed25519',
    x: 'GRrtVfWYewQ-d6yCJh62lF5uK5-qccaLHDdL5xs2H_k',
  } as const),
]);
