import { type Entitlement, init, setBulkheadRegistry } from '@x/bulkhead-core';
import { resetEntitlementForTesting } from '@x/bulkhead-core/testing';
import { resetFeatureReportsForTesting } from '../feature-gate.js';
import { trustKeysForTesting } from '../license/test-keys.js';
import { resetProServicesForTesting } from '../pro-services.js';
import { type CapturingLogger, captureLogs, createTestSigner, validClaims } from './license-fixtures.js';

/** Registers this package (src) with core, as importing the package does. */
import '../index.js';

/** Runs `init()` with a freshly signed test license granting `features`; returns the entitlement and logs. */
export async function entitleForTesting(
  features: readonly string[] = ['*'],
): Promise<{ entitlement: Entitlement; logs: CapturingLogger }> {
  const signer = await createTestSigner();
  trustKeysForTesting([signer.publicKey]);
  const logs = captureLogs();
  const licenseKey = await signer.sign({ payload: validClaims({ features: [...features] }) });
  const entitlement = await init({ licenseKey, logger: logs.logger, env: {} });
  return { entitlement, logs };
}

/** Forgets entitlement, PRO registry, test keys and feature reports between tests. */
export function resetProStateForTesting(): void {
  resetEntitlementForTesting();
  setBulkheadRegistry(undefined);
  resetProServicesForTesting();
  trustKeysForTesting([]);
  resetFeatureReportsForTesting();
}
