import type { Entitlement, EntitlementLogger, ProProvider } from '../entitlement.js';
import type { BulkheadRegistryLike } from '../registry-contract.js';

/** Versioned key of the process-wide slot; two installed copies of core share it. */
export const GLOBAL_SLOT_KEY: unique symbol = Symbol.for('x.bulkhead.global.v1') as never;

/** What the process-wide slot holds. Each field is filled lazily. */
export interface GlobalSlot {
  readonly version: 1;
  /** The registry `getBulkheadRegistry()` returns (PRO replaces it after a valid `init()`). */
  registry: BulkheadRegistryLike | undefined;
  /** The OSS registry created by core; kept so PRO can fall back to it. */
  ossRegistry: BulkheadRegistryLike | undefined;
  /** The entitlement from the latest `init()`; OSS until one succeeds. */
  entitlement: Entitlement | undefined;
  /** Set by `@x/bulkhead-pro` when it is imported; `init()` prefers it to a dynamic import. */
  proProvider: ProProvider | undefined;
  /** Memoized `init()` runs, keyed by key fingerprint. */
  initRuns: Map<string, Promise<Entitlement>>;
  /** The logger given to the latest `init()`. */
  logger: EntitlementLogger | undefined;
  /** Process state of other packages (PRO's config bus, reported features, ...), keyed by a namespaced name. */
  extensions: Map<string, unknown>;
}

/**
 * Process-wide state of another package, kept in core's one global slot so every installed copy and bundle of
 * that package shares it: returns the value under `key` (e.g. `'@x/bulkhead-pro/config-events'`), creating it
 * with `create` on first use.
 */
export function globalExtensionState<T>(key: string, create: () => T): T {
  const extensions = getGlobalSlot().extensions;
  if (!extensions.has(key)) extensions.set(key, create());
  return extensions.get(key) as T;
}

type GlobalWithSlot = typeof globalThis & { [GLOBAL_SLOT_KEY]?: GlobalSlot };

/** Returns the process-wide slot, creating it on first use. */
export function getGlobalSlot(): GlobalSlot {
  const holder = globalThis as GlobalWithSlot;
  let slot = holder[GLOBAL_SLOT_KEY];
  if (slot === undefined) {
    slot = {
      version: 1,
      registry: undefined,
      ossRegistry: undefined,
      entitlement: undefined,
      proProvider: undefined,
      initRuns: new Map(),
      logger: undefined,
      extensions: new Map(),
    };
    Object.defineProperty(holder, GLOBAL_SLOT_KEY, { value: slot, enumerable: false, configurable: true });
  }
  return slot;
}
