import { getBulkheadLogger, getEntitlement } from '@x/bulkhead-core';

/** Names of the PRO features this package gates. */
export type ProFeature =
  | 'pro_registry'
  | 'live_reconfiguration'
  | 'admin_api'
  | 'drain'
  | 'policy_composer'
  | (string & {});

// Kept on globalThis so every bundle of this package (index and compose) reports a feature only once.
const REPORTED_KEY = Symbol.for('x.bulkhead.pro.unavailable-features.v1');
const holder = globalThis as typeof globalThis & { [REPORTED_KEY]?: Set<string> };
holder[REPORTED_KEY] ??= new Set<string>();
const reported: Set<string> = holder[REPORTED_KEY];

/**
 * True when the current entitlement is PRO and includes `feature` (an entitlement whose features
 * contain `*` grants every feature). Otherwise logs `entitlement.pro_feature_unavailable` once per
 * feature and returns false, so the caller runs its OSS behaviour instead of throwing.
 */
export function isProFeatureEnabled(feature: ProFeature): boolean {
  const entitlement = getEntitlement();
  if (
    entitlement.tier === 'pro' &&
    (entitlement.features.includes(feature) || entitlement.features.includes('*'))
  ) {
    return true;
  }
  if (!reported.has(feature)) {
    reported.add(feature);
    getBulkheadLogger().warn(
      {
        event: 'entitlement.pro_feature_unavailable',
        feature,
        tier: entitlement.tier,
        ...(entitlement.reason === undefined ? {} : { reason: entitlement.reason }),
      },
      `PRO feature '${feature}' is not available; using the OSS behaviour`,
    );
  }
  return false;
}

/** Test helper: forget which unavailable features were already reported. */
export function resetFeatureReportsForTesting(): void {
  reported.clear();
}
