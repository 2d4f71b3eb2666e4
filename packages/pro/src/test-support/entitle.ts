import { type Entitlement, init, setBulkheadRegistry } from '@x/bulkhead-core';
import { resetEntitlementForTesting } from '@x/bulkhead-core/testing';
import { createTestLicense, resetProForTesting, trustKeysForTesting } from '../testing.js';
import { type CapturingLogger, captureLogs } from './license-fixtures.js';

/** Registers this package (src) with core, as importing the package does. */
import '../index.js';

/** Runs `init()` with a freshly signed test license granting `features`; returns the entitlement and logs. */
export async function entitleForTesting(
  features: readonly string[] = ['*'],
): Promise<{ entitlement: Entitlement; logs: CapturingLogger }> {
  const { licenseKey, publicKey } = await createTestLicense({ licensee: 'Acme Corp', features });
  trustKeysForTesting([publicKey]);
  const logs = captureLogs();
  const entitlement = await init({ licenseKey, logger: logs.logger, env: {} });
  return { entitlement, logs };
}

/**
 * Forgets entitlement, PRO registry, test keys and feature reports between tests.
 * (core's `resetEntitlementForTesting` comes from core's testing entry.)
 */
export function resetProStateForTesting(): void {
  resetEntitlementForTesting();
  setBulkheadRegistry(undefined);
  resetProForTesting();
  trustKeysForTesting([]);
}
