import {
  type Entitlement,
  type EntitlementLogger,
  ossEntitlement,
  type ProActivationContext,
  setBulkheadRegistry,
} from '@x/bulkhead-core';
import { globalExtensionState } from '@x/bulkhead-core/extension';
import { validateRegistryOptions } from './internal/registry-validation.js';
import { verifyLicenseKey } from './license/verify-license.js';
import { ProBulkheadRegistry, type ProBulkheadRegistryOptions } from './registry/pro-registry.js';
import { validateSettingsInput } from './registry/validate-settings.js';

/** Options of `configureProRegistry()`: how the registry that `init()` installs is built. */
export type ConfigureProRegistryOptions = Omit<ProBulkheadRegistryOptions, 'logger'>;

/** What `init()` installed and how; kept in core's global slot so every copy and bundle of PRO shares it. */
interface ProServicesState {
  configuredOptions: ConfigureProRegistryOptions;
  installedRegistry: ProBulkheadRegistry | undefined;
}

const servicesState = (): ProServicesState =>
  globalExtensionState<ProServicesState>('@x/bulkhead-pro/services', () => ({
    configuredOptions: {},
    installedRegistry: undefined,
  }));

/**
 * Sets the settings of the PRO registry that a later successful `init()` installs (call it before
 * `init()`; afterwards use `registry.applySettings()`).
 * @throws {TypeError | RangeError} when an option or a setting is invalid (the message names it).
 */
export function configureProRegistry(options: ConfigureProRegistryOptions): void {
  validateRegistryOptions(options);
  if (options.settings !== undefined) validateSettingsInput(options.settings, 'options.settings');
  servicesState().configuredOptions = { ...options };
}

function grants(features: readonly string[], feature: string): boolean {
  return features.includes(feature) || features.includes('*');
}

function validateContext(context: ProActivationContext): void {
  if (typeof context !== 'object' || context === null) throw new TypeError('context must be an object');
  if (typeof context.licenseKey !== 'string') throw new TypeError('context.licenseKey must be a string');
  if (typeof context.keyFingerprint !== 'string')
    throw new TypeError('context.keyFingerprint must be a string');
  if (typeof context.logger?.info !== 'function' || typeof context.logger.warn !== 'function') {
    throw new TypeError('context.logger must have info() and warn() methods');
  }
}

function skip(logger: EntitlementLogger, entitlement: Entitlement, detail: string): Entitlement {
  logger.warn(
    {
      event: 'entitlement.pro_registration_skipped',
      reason: entitlement.reason,
      keyFingerprint: entitlement.keyFingerprint,
      detail,
    },
    'Bulkhead PRO license rejected; running with OSS defaults',
  );
  return entitlement;
}

/**
 * Called by core's `init()`: verifies the key offline; valid: installs the PRO registry and logs
 * `entitlement.pro_registered`; invalid: logs `entitlement.pro_registration_skipped` with the precise
 * `reason` and resolves to an OSS entitlement. Never logs the key.
 * @throws {TypeError} when `context` is malformed; settings errors propagate (core reports them).
 */
export async function registerProServices(context: ProActivationContext): Promise<Entitlement> {
  validateContext(context);
  const { licenseKey, keyFingerprint, logger } = context;
  const verification = await verifyLicenseKey(licenseKey, { logger });
  if (!verification.valid) {
    const detail = verification.detail.split(licenseKey).join('[license key]');
    return skip(logger, ossEntitlement(verification.reason, keyFingerprint), detail);
  }
  const { license } = verification;
  const state = servicesState();
  const { configuredOptions } = state;
  if (grants(license.features, 'pro_registry')) {
    const wantsWatch = configuredOptions.watchSettingsFile === true;
    const watch = wantsWatch && grants(license.features, 'live_reconfiguration');
    if (wantsWatch && !watch && state.installedRegistry === undefined) {
      logger.warn(
        { event: 'entitlement.pro_feature_unavailable', feature: 'live_reconfiguration', tier: 'pro' },
        "PRO feature 'live_reconfiguration' is not licensed; the settings file is read once, not watched",
      );
    }
    state.installedRegistry ??= new ProBulkheadRegistry({
      ...configuredOptions,
      watchSettingsFile: watch,
      logger,
    });
    setBulkheadRegistry(state.installedRegistry);
  }
  const entitlement: Entitlement = Object.freeze({
    tier: 'pro',
    licensee: license.licensee,
    expiresAt: license.expiresAt,
    features: license.features,
    keyFingerprint,
    ...(verification.testKeyUsed ? { testKey: true } : {}),
  });
  logger.info(
    {
      event: 'entitlement.pro_registered',
      licensee: license.licensee,
      expiresAt: license.expiresAt.toISOString(),
      features: license.features,
      keyId: license.keyId,
      keyFingerprint,
      ...(verification.testKeyUsed ? { testKey: true } : {}),
    },
    verification.testKeyUsed ? 'Bulkhead PRO activated with a TEST key' : 'Bulkhead PRO activated',
  );
  return entitlement;
}

/** Closes and forgets the PRO registry installed by `registerProServices()` and the configuration (tests). */
export function resetProServices(): void {
  const state = servicesState();
  state.installedRegistry?.close();
  state.installedRegistry = undefined;
  state.configuredOptions = {};
}
