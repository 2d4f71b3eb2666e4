/** Why a process runs on OSS defaults. */
export type EntitlementReason =
  | 'missing_key'
  | 'malformed_key'
  | 'invalid_signature'
  | 'unknown_key_id'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_product'
  | 'pro_not_installed'
  | 'pro_registration_failed';

/** The outcome of `init()`: which tier the process runs on, and why. */
export interface Entitlement {
  readonly tier: 'pro' | 'oss';
  /** Set when `tier` is `oss`. */
  readonly reason?: EntitlementReason;
  readonly licensee?: string;
  readonly expiresAt?: Date;
  /** PRO features this process may use (empty on OSS). */
  readonly features: readonly string[];
  /** Short, non-reversible fingerprint of the key (never the key). */
  readonly keyFingerprint?: string;
  /** True when a key trusted only for testing (not a vendor key) signed the license; never in production. */
  readonly testKey?: boolean;
}

/** A pino- or console-compatible logger: `logger.info(object, message)`. */
export interface EntitlementLogger {
  info(object: Record<string, unknown>, message?: string): void;
  warn(object: Record<string, unknown>, message?: string): void;
}

/** What `init()` hands to `@x/bulkhead-pro`. */
export interface ProActivationContext {
  readonly licenseKey: string;
  readonly keyFingerprint: string;
  readonly logger: EntitlementLogger;
}

/** Implemented by `@x/bulkhead-pro`: verifies the key, installs PRO services, returns the entitlement. */
export interface ProProvider {
  registerProServices(context: ProActivationContext): Promise<Entitlement> | Entitlement;
}

/** The entitlement of a process on OSS defaults. */
export function ossEntitlement(reason: EntitlementReason, keyFingerprint?: string): Entitlement {
  return Object.freeze({
    tier: 'oss',
    reason,
    features: Object.freeze([]) as readonly string[],
    ...(keyFingerprint === undefined ? {} : { keyFingerprint }),
  });
}
