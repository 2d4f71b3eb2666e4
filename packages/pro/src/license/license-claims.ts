import type { EntitlementReason } from '@x/bulkhead-core';

/** The `product` claim every Bulkhead PRO license carries. */
export const LICENSE_PRODUCT = 'x-bulkhead-pro';

/** Seconds of clock skew tolerated on `nbf` and `exp`. */
export const LICENSE_CLOCK_TOLERANCE_SECONDS = 60;

/** Why a license key was rejected; a subset of core's `EntitlementReason`. */
export type LicenseRejectionReason = Extract<
  EntitlementReason,
  'malformed_key' | 'invalid_signature' | 'unknown_key_id' | 'expired' | 'not_yet_valid' | 'wrong_product'
>;

/** The verified content of a license key. */
export interface LicenseDetails {
  readonly licensee: string;
  readonly product: string;
  /** Feature names this license grants (`*` grants all). */
  readonly features: readonly string[];
  readonly issuedAt: Date;
  readonly notBefore: Date;
  readonly expiresAt: Date;
  /** The `kid` of the vendor key that signed it. */
  readonly keyId: string;
}

/** Outcome of `verifyLicenseKey()`: a valid license, or a machine-readable reason with a key-free detail. */
export type LicenseVerification =
  | { readonly valid: true; readonly license: LicenseDetails; readonly testKeyUsed: boolean }
  | { readonly valid: false; readonly reason: LicenseRejectionReason; readonly detail: string };
