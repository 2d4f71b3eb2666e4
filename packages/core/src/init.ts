import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type Entitlement,
  type EntitlementLogger,
  type EntitlementReason,
  ossEntitlement,
  type ProProvider,
} from './entitlement.js';
import { getGlobalSlot } from './internal/global-slot.js';
import { describe, validateKnownKeys } from './internal/validate.js';
import { jsonStderrLogger } from './logger.js';

/** Options of `init()`. */
export interface InitOptions {
  /** License key; default `process.env.BULKHEAD_LICENSE_KEY`. */
  licenseKey?: string;
  /** pino/console-compatible logger; default one JSON line per record on stderr. */
  logger?: EntitlementLogger;
  /** Environment to read the key from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

const PRO_PACKAGE = '@x/bulkhead-pro';
const INIT_OPTION_KEYS = ['licenseKey', 'logger', 'env'] as const;

/** Short, non-reversible fingerprint of a license key, safe to log. */
export function licenseKeyFingerprint(licenseKey: string): string {
  return createHash('sha256').update(licenseKey).digest('hex').slice(0, 12);
}

function validateInitOptions(options: InitOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`init(options) must be an object, got ${describe(options)}`);
  }
  validateKnownKeys(options, INIT_OPTION_KEYS);
  if (options.licenseKey !== undefined && typeof options.licenseKey !== 'string') {
    throw new TypeError(`options.licenseKey must be a string, got ${describe(options.licenseKey)}`);
  }
  const logger = options.logger;
  if (
    logger !== undefined &&
    (typeof logger !== 'object' ||
      logger === null ||
      typeof logger.info !== 'function' ||
      typeof logger.warn !== 'function')
  ) {
    throw new TypeError('options.logger must have info() and warn() methods (pino and console both do)');
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw new TypeError(`options.env must be an object, got ${describe(options.env)}`);
  }
}

/** The ways Node (ESM, CJS) and bundler/test runners (Vite: `Could not resolve "…"`) say a package is missing. */
const PRO_NOT_FOUND_PATTERN = new RegExp(
  `(?:cannot find (?:package|module)|could not resolve|failed to resolve(?: import)?) ['"]${PRO_PACKAGE}['"]`,
  'i',
);

/** True when the PRO package itself is missing (not a dependency or a file inside an installed but broken PRO). */
function isModuleNotFound(error: unknown): boolean {
  return PRO_NOT_FOUND_PATTERN.test(String((error as { message?: unknown } | null)?.message));
}

function asProvider(module: unknown): ProProvider | undefined {
  const candidate = module as {
    registerProServices?: unknown;
    default?: { registerProServices?: unknown };
  } | null;
  if (typeof candidate?.registerProServices === 'function') return candidate as ProProvider;
  if (typeof candidate?.default?.registerProServices === 'function') return candidate.default as ProProvider;
  return undefined;
}

/** Finds `@x/bulkhead-pro`: already imported (global slot), next to core, or from the application's directory. */
async function loadProProvider(): Promise<ProProvider | undefined> {
  const slot = getGlobalSlot();
  if (slot.proProvider !== undefined) return slot.proProvider;
  try {
    return asProvider(await import(PRO_PACKAGE)) ?? slot.proProvider;
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
  }
  try {
    const requireFromApplication = createRequire(path.join(process.cwd(), 'package.json'));
    const resolved = requireFromApplication.resolve(PRO_PACKAGE);
    return asProvider(await import(pathToFileURL(resolved).href)) ?? slot.proProvider;
  } catch (error) {
    if (!isModuleNotFound(error) && (error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    return undefined;
  }
}

async function activate(licenseKey: string | undefined, logger: EntitlementLogger): Promise<Entitlement> {
  const slot = getGlobalSlot();
  const skip = (reason: EntitlementReason, keyFingerprint?: string, detail?: string): Entitlement => {
    const entitlement = ossEntitlement(reason, keyFingerprint);
    logger.info(
      {
        event: 'entitlement.pro_registration_skipped',
        reason,
        ...(keyFingerprint === undefined ? {} : { keyFingerprint }),
        ...(detail === undefined ? {} : { detail }),
      },
      'Bulkhead PRO not activated; running with OSS defaults',
    );
    return entitlement;
  };
  if (licenseKey === undefined || licenseKey.trim() === '') return skip('missing_key');
  const keyFingerprint = licenseKeyFingerprint(licenseKey);
  let provider: ProProvider | undefined;
  try {
    provider = await loadProProvider();
  } catch (error) {
    return skip('pro_registration_failed', keyFingerprint, errorSummary(error, licenseKey));
  }
  if (provider === undefined) return skip('pro_not_installed', keyFingerprint);
  try {
    const entitlement = await provider.registerProServices({ licenseKey, keyFingerprint, logger });
    if (entitlement?.tier === 'pro') return entitlement;
    // PRO logs its own skip event with the precise reason.
    return entitlement ?? ossEntitlement('pro_registration_failed', keyFingerprint);
  } catch (error) {
    slot.registry = undefined;
    return skip('pro_registration_failed', keyFingerprint, errorSummary(error, licenseKey));
  }
}

/** A logger that swallows its own failures: a broken logger must never turn a license problem into a crash. */
function neverThrowing(logger: EntitlementLogger): EntitlementLogger {
  return {
    info: (object, message) => {
      try {
        logger.info(object, message);
      } catch {
        // Logging is best effort.
      }
    },
    warn: (object, message) => {
      try {
        logger.warn(object, message);
      } catch {
        // Logging is best effort.
      }
    },
  };
}

function errorSummary(error: unknown, licenseKey: string): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split(licenseKey).join('[license key]').slice(0, 300);
}

/**
 * Resolves the license key, hands it to `@x/bulkhead-pro` when installed and resolves to the
 * process's `Entitlement`. Never rejects because of a license problem: it logs
 * `entitlement.pro_registration_skipped` with a `reason` and keeps OSS defaults. Calling it again with
 * the same key returns the same result; a different key is verified anew and replaces the entitlement.
 * @throws {TypeError} when an option has the wrong type or is unknown (a programmer error).
 */
export function init(options: InitOptions = {}): Promise<Entitlement> {
  validateInitOptions(options);
  const slot = getGlobalSlot();
  const logger = neverThrowing(options.logger ?? jsonStderrLogger);
  slot.logger = logger;
  const env = options.env ?? process.env;
  const licenseKey = options.licenseKey ?? env.BULKHEAD_LICENSE_KEY;
  const runKey =
    licenseKey === undefined || licenseKey.trim() === '' ? '' : licenseKeyFingerprint(licenseKey);
  const previous = slot.initRuns.get(runKey);
  if (previous !== undefined) return previous;
  slot.initRuns.clear();
  const run: Promise<Entitlement> = activate(licenseKey, logger).then((entitlement) => {
    // A later init() with another key superseded this run while it was verifying: the latest call wins.
    if (slot.initRuns.get(runKey) !== run) return entitlement;
    if (entitlement.tier !== 'pro') slot.registry = undefined;
    slot.entitlement = entitlement;
    return entitlement;
  });
  slot.initRuns.set(runKey, run);
  return run;
}

/** The entitlement of the latest `init()`, or OSS (`missing_key`) when `init()` has not run. */
export function getEntitlement(): Entitlement {
  return getGlobalSlot().entitlement ?? ossEntitlement('missing_key');
}

/** Called by `@x/bulkhead-pro` when it is imported, so `init()` finds it without a dynamic import. */
export function registerProProvider(provider: ProProvider): void {
  if (typeof provider?.registerProServices !== 'function') {
    throw new TypeError('provider must have a registerProServices() method');
  }
  getGlobalSlot().proProvider = provider;
}

/** Test helper: forgets the entitlement, memoized `init()` runs and any PRO registry. */
export function resetEntitlementForTesting(): void {
  const slot = getGlobalSlot();
  slot.entitlement = undefined;
  slot.registry = undefined;
  slot.initRuns.clear();
  slot.logger = undefined;
}
