import { getBulkheadLogger, getEntitlement } from '@x/bulkhead-core';
import { globalExtensionState } from '@x/bulkhead-core/extension';

/** Names of the PRO features this package gates. */
export type ProFeature =
  | 'pro_registry'
  | 'live_reconfiguration'
  | 'admin_api'
  | 'drain'
  | 'policy_composer'
  | (string & {});

// Kept in core's global slot so every copy and bundle of this package reports a feature only once.
const reportedFeatures = (): Set<string> =>
  globalExtensionState('@x/bulkhead-pro/reported-features', () => new Set<string>());

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
  const reported = reportedFeatures();
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

/** Forgets which unavailable features were already reported (tests). */
export function resetFeatureReports(): void {
  reportedFeatures().clear();
}
