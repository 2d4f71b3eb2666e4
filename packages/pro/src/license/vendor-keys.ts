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
 * The vendor public keys that sign Bulkhead PRO licenses. Several are trusted at once so the signing
 * key can rotate: add the new key here in one release, issue with it, retire the old one later.
 * Generated with `pnpm --filter @x/license-issuer issue-license keygen`; the private halves are kept offline.
 */
export const VENDOR_PUBLIC_KEYS: readonly VendorPublicKey[] = Object.freeze([
  Object.freeze({
    kid: 'ukzBVbU1up0C2_05-9QvNy8fHFSQc15ZwpWY1tgckTk',
    kty: 'OKP',
    crv: 'Ed25519',
    x: 'mg2NJRFpAxAnNAftB8rd42mKj2WGDKTG3ZvETVHDlDE',
  } as const),
  Object.freeze({
    kid: 'W-UhcVpmpiucG8D89bn8rip_4uUZQ_x1KO8VtixYw5M',
    kty: 'OKP',
    crv: 'Ed25519',
    x: '1ZOsiL-wKinvPKnJLwSU8t2Mn1mNpfI4SxsVIfoVPAQ',
  } as const),
]);
