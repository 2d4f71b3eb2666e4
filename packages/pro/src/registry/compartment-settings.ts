import type { BulkheadSettings, CompartmentSettings } from './settings.js';
import { isBuiltInCompartment } from './settings.js';

/** Prefix of per-alias database compartments (`database:replica`). */
export const DATABASE_PREFIX = 'database:';

/** Prefix of per-instance cache compartments (`cache:session`). */
export const CACHE_PREFIX = 'cache:';

/**
 * The settings that own compartment `name`: a built-in, a `database:<alias>` / `cache:<name>` compartment
 * (sized by its alias entry, else like its built-in), or a `compartments` template; `undefined` otherwise.
 */
export function compartmentSettingsFor(
  name: string,
  settings: BulkheadSettings,
): CompartmentSettings | undefined {
  if (isBuiltInCompartment(name)) return settings[name];
  if (name.startsWith(DATABASE_PREFIX)) {
    const alias = settings.databases[name.slice(DATABASE_PREFIX.length)];
    return { ...settings.database, maxConcurrent: alias?.maxConcurrent ?? settings.database.maxConcurrent };
  }
  if (name.startsWith(CACHE_PREFIX)) {
    const alias = settings.caches[name.slice(CACHE_PREFIX.length)];
    return { ...settings.cache, maxConcurrent: alias?.maxConcurrent ?? settings.cache.maxConcurrent };
  }
  return settings.compartments[name];
}
