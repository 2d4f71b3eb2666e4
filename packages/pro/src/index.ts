import { registerProProvider } from '@x/bulkhead-core';
import { registerProServices } from './pro-services.js';

export {
  type AdminHandlerOptions,
  type AdminRequestListener,
  createAdminHandler,
} from './admin/admin-handler.js';
export { drain } from './drain.js';
export { isProFeatureEnabled, type ProFeature } from './feature-gate.js';
export type { DrainOptions, DrainResult } from './internal/drain-bulkheads.js';
export {
  LICENSE_CLOCK_TOLERANCE_SECONDS,
  LICENSE_PRODUCT,
  type LicenseDetails,
  type LicenseRejectionReason,
  type LicenseVerification,
} from './license/license-claims.js';
export { VENDOR_PUBLIC_KEYS, type VendorPublicKey } from './license/vendor-keys.js';
export { type VerifyLicenseOptions, verifyLicenseKey } from './license/verify-license.js';
export {
  type ConfigureProRegistryOptions,
  configureProRegistry,
  registerProServices,
} from './pro-services.js';
export { bulkheadForCache, bulkheadForDatabase } from './registry/compartment-decorators.js';
export { getForCache, getForDatabase, getProRegistry } from './registry/compartment-lookup.js';
export {
  CONFIG_UPDATED,
  ConfigEventBus,
  type ConfigUpdatedEvent,
  type ConfigUpdatedListener,
  getConfigEventBus,
} from './registry/config-events.js';
export {
  isProBulkheadRegistry,
  ProBulkheadRegistry,
  type ProBulkheadRegistryOptions,
  type SettingsUpdate,
} from './registry/pro-registry.js';
export {
  type AliasSettings,
  BUILT_IN_COMPARTMENTS,
  type BuiltInCompartment,
  type BulkheadSettings,
  type BulkheadSettingsInput,
  type CompartmentSettings,
  type CompartmentSettingsInput,
  type CompartmentType,
  DEFAULT_BULKHEAD_SETTINGS,
} from './registry/settings.js';
export { SETTINGS_FILE_ENVIRONMENT_VARIABLE } from './registry/settings-sources.js';
export { validateSettingsInput } from './registry/validate-settings.js';

// Importing this package is enough for core's init() to find it, in ESM and CommonJS alike.
registerProProvider({ registerProServices });
