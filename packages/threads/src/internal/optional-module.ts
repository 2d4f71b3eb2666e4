import { createRequire } from 'node:module';

const cache = new Map<string, unknown>();

/**
 * Loads an optional peer dependency synchronously (capture runs synchronously in `execute`), or
 * returns `undefined` when it is not installed. Resolved from this package's location.
 */
export function loadOptionalModule<Module>(id: string): Module | undefined {
  if (!cache.has(id)) {
    let loaded: unknown;
    try {
      loaded = createRequire(import.meta.url)(id);
    } catch {
      loaded = undefined;
    }
    cache.set(id, loaded);
  }
  return cache.get(id) as Module | undefined;
}
