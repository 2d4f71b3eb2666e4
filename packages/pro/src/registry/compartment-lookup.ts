import { type Bulkhead, getBulkheadRegistry } from '@x/bulkhead-core';
import { validateName } from '@x/bulkhead-core/extension';
import { isProFeatureEnabled } from '../feature-gate.js';
import { isProBulkheadRegistry, type ProBulkheadRegistry } from './pro-registry.js';

/** The installed PRO registry, without logging anything. */
export function activeProRegistry(): ProBulkheadRegistry | undefined {
  const registry = getBulkheadRegistry();
  return isProBulkheadRegistry(registry) ? registry : undefined;
}

/**
 * The PRO registry installed by `init()`; without a PRO entitlement, logs
 * `entitlement.pro_feature_unavailable` (once) and returns `undefined`.
 */
export function getProRegistry(): ProBulkheadRegistry | undefined {
  const registry = activeProRegistry();
  if (registry === undefined) isProFeatureEnabled('pro_registry');
  return registry;
}

function ossCompartment(builtIn: 'database' | 'cache', alias: string): Bulkhead {
  isProFeatureEnabled('pro_registry');
  return getBulkheadRegistry().getOrCreate(alias === 'default' ? builtIn : `${builtIn}:${alias}`);
}

/**
 * The compartment of a database alias from the PRO registry (`registry.getForDatabase`). Without PRO it
 * logs `entitlement.pro_feature_unavailable` once and uses an OSS compartment of default size instead.
 * @throws {TypeError | RangeError} when `alias` is not a non-empty string.
 */
export function getForDatabase(alias = 'default'): Bulkhead {
  const registry = activeProRegistry();
  if (registry !== undefined) return registry.getForDatabase(alias);
  validateName('alias', alias);
  return ossCompartment('database', alias);
}

/**
 * The compartment of a cache instance from the PRO registry (`registry.getForCache`). Without PRO it
 * logs `entitlement.pro_feature_unavailable` once and uses an OSS compartment of default size instead.
 * @throws {TypeError | RangeError} when `name` is not a non-empty string.
 */
export function getForCache(name = 'default'): Bulkhead {
  const registry = activeProRegistry();
  if (registry !== undefined) return registry.getForCache(name);
  validateName('name', name);
  return ossCompartment('cache', name);
}
