import { isProFeatureEnabled } from './feature-gate.js';
import { type DrainOptions, type DrainResult, drainTimeout } from './internal/drain-bulkheads.js';
import { activeProRegistry } from './registry/compartment-lookup.js';

/**
 * Drains the process-wide PRO registry for shutdown (see `ProBulkheadRegistry.drain`), e.g. on SIGTERM.
 * Without a PRO entitlement it logs `entitlement.pro_feature_unavailable` once and resolves
 * `{ status: 'unavailable' }` without touching any compartment (the OSS behaviour).
 * @throws {TypeError | RangeError} when `options.timeout` is invalid.
 */
export async function drain(options: DrainOptions = {}): Promise<DrainResult> {
  drainTimeout(options);
  const registry = activeProRegistry();
  if (!isProFeatureEnabled('drain') || registry === undefined) {
    return Object.freeze({ status: 'unavailable', busy: Object.freeze([]) });
  }
  return registry.drain(options);
}
