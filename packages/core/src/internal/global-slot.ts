import type { Entitlement, EntitlementLogger, ProProvider } from '../entitlement.js';
import type { BulkheadRegistryLike } from '../registry-contract.js';

/** Versioned key of the process-wide slot; two installed copies of core share it. */
export const GLOBAL_SLOT_KEY: unique symbol = Symbol.for('x.bulkhead.global.v1') as never;

/** What the process-wide slot holds. Each field is filled lazily. */
export interface GlobalSlot {
  /** Layout version; a copy of core with another layout refuses the slot. */
  readonly version: 1;
  /** Layout revision within version 1 (fields added since); an older revision is upgraded in place. */
  revision: number;
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

type GlobalWithSlot = typeof globalThis & { [GLOBAL_SLOT_KEY]?: unknown };

/**
 * Layout revision of the slot this copy of core writes. A revision only adds fields (filled in when an older
 * copy created the slot); a different `version` is a different layout, which this copy refuses to touch.
 */
const SLOT_REVISION = 2;

/** The slot this copy uses when the process-wide one belongs to an incompatible copy of core. */
let privateSlot: GlobalSlot | undefined;
let incompatibilityReported = false;

function createSlot(): GlobalSlot {
  return {
    version: 1,
    revision: SLOT_REVISION,
    registry: undefined,
    ossRegistry: undefined,
    entitlement: undefined,
    proProvider: undefined,
    initRuns: new Map(),
    logger: undefined,
    extensions: new Map(),
  };
}

/** True for a slot of this layout; upgrades an older revision in place (its fields are a subset of ours). */
function isCompatible(candidate: unknown): candidate is GlobalSlot {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const slot = candidate as Partial<Record<keyof GlobalSlot, unknown>>;
  if (slot.version !== 1 || !(slot.initRuns instanceof Map)) return false;
  if (slot.extensions !== undefined && !(slot.extensions instanceof Map)) return false;
  if (typeof slot.revision !== 'number' || slot.revision < SLOT_REVISION) {
    slot.extensions ??= new Map();
    slot.revision = SLOT_REVISION;
  }
  return true;
}

/**
 * Returns the process-wide slot, creating it on first use. Like OpenTelemetry's `registerGlobal`, a slot
 * left under the key by an incompatible copy of core is refused: it stays untouched, the refusal is reported
 * once (`BulkheadGlobalSlotWarning`), and this copy keeps its own state apart.
 */
export function getGlobalSlot(): GlobalSlot {
  const holder = globalThis as GlobalWithSlot;
  const current = holder[GLOBAL_SLOT_KEY];
  if (current === undefined) {
    const slot = createSlot();
    Object.defineProperty(holder, GLOBAL_SLOT_KEY, { value: slot, enumerable: false, configurable: true });
    return slot;
  }
  if (isCompatible(current)) return current;
  if (!incompatibilityReported) {
    incompatibilityReported = true;
    const version = (current as { version?: unknown } | null)?.version;
    process.emitWarning(
      `The process-wide @x/bulkhead slot (${String(GLOBAL_SLOT_KEY.description)}) holds layout version ${
        typeof version === 'number' ? version : 'unknown'
      }, which this copy of @x/bulkhead-core (layout 1) cannot share; this copy keeps its registry and entitlement apart`,
      'BulkheadGlobalSlotWarning',
    );
  }
  privateSlot ??= createSlot();
  return privateSlot;
}
