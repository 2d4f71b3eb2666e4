import { type Entitlement, type EntitlementLogger, init } from '@x/bulkhead-core';
import { configureProRegistry, getProRegistry, type ProBulkheadRegistry } from '@x/bulkhead-pro';
import { createTestLicense, trustKeysForTesting } from './test-license.js';

/** Where the license key came from. */
export type LicenseSource = 'none' | 'environment' | 'generated_test_key';

/** Options of `activateTier`. */
export interface ActivateTierOptions {
  /** `--pro`: activate PRO, with a generated test key when the environment has no license key. */
  pro: boolean;
  /** Environment holding `BULKHEAD_LICENSE_KEY`. */
  env: Record<string, string | undefined>;
  /** Settings file of the PRO registry (used only when PRO is wanted). */
  settingsFile?: string;
  /**
   * Receives the tier, why, how to activate or what was trusted, and the warnings of `init()` and
   * PRO (e.g. that a test key is trusted), one line each, in order.
   */
  log: (line: string) => void;
}

/** What `activateTier` found out. */
export interface TierActivation {
  /** What `init()` resolved to. */
  readonly entitlement: Entitlement;
  readonly licenseSource: LicenseSource;
  /** The PRO registry `init()` installed, when the license grants it. */
  readonly registry: ProBulkheadRegistry | undefined;
}

const LICENSE_VARIABLE = 'BULKHEAD_LICENSE_KEY';

function activationHint(): string {
  return `  To activate PRO: pnpm demo --pro (uses a key pair the demo generates, FOR TESTING), or set ${LICENSE_VARIABLE} to a vendor-issued license.`;
}

function describePro(entitlement: Entitlement, licenseSource: LicenseSource): string {
  const features = entitlement.features.join(', ');
  const expires = entitlement.expiresAt?.toISOString() ?? 'never';
  const origin = licenseSource === 'generated_test_key' ? ', TEST KEY' : '';
  return `Tier: pro (licensee "${entitlement.licensee ?? '?'}", features ${features}, expires ${expires}, key ${entitlement.keyFingerprint ?? '?'}${origin})`;
}

/**
 * Calls core's `init()` the way an application would and says which tier the demo runs on and why.
 * With `pro` and no `BULKHEAD_LICENSE_KEY`, it generates an Ed25519 key pair, signs a license with it
 * and trusts the public half through the PRO testing entry; its lines say so.
 * @throws {TypeError | RangeError} when the settings file is invalid (from `configureProRegistry`).
 */
export async function activateTier(options: ActivateTierOptions): Promise<TierActivation> {
  const environmentKey = options.env[LICENSE_VARIABLE]?.trim();
  const hasEnvironmentKey = environmentKey !== undefined && environmentKey !== '';
  const wantsPro = options.pro || hasEnvironmentKey;
  // init()'s logger stays the process's bulkhead logger: PRO warnings show up as demo lines.
  const logger: EntitlementLogger = {
    info: () => {},
    warn: (object, message) => options.log(`  [${String(object.event ?? 'bulkhead')}] ${message ?? ''}`),
  };
  if (wantsPro) {
    configureProRegistry(options.settingsFile === undefined ? {} : { settingsFile: options.settingsFile });
  }
  let licenseKey = hasEnvironmentKey ? environmentKey : undefined;
  let licenseSource: LicenseSource = hasEnvironmentKey ? 'environment' : 'none';
  if (wantsPro && licenseKey === undefined) {
    const license = await createTestLicense({ licensee: 'Bulkhead demo (generated test key)' });
    trustKeysForTesting([license.publicKey]);
    licenseKey = license.licenseKey;
    licenseSource = 'generated_test_key';
    options.log(
      `--pro without ${LICENSE_VARIABLE}: the demo generated an Ed25519 key pair (kid ${license.kid.slice(0, 12)}…), signed a license with it`,
    );
    options.log(
      '  and trusts that key FOR TESTING via @x/bulkhead-pro/testing. Never do this in production.',
    );
  }
  const entitlement = await init({
    logger,
    env: {},
    ...(licenseKey === undefined ? {} : { licenseKey }),
  });
  if (entitlement.tier === 'pro') {
    options.log(describePro(entitlement, licenseSource));
  } else if (hasEnvironmentKey) {
    options.log(
      `Tier: oss (${entitlement.reason ?? 'unknown'}): ${LICENSE_VARIABLE} was not accepted; the with-bulkheads run stays on OSS.`,
    );
    options.log(activationHint());
  } else {
    options.log(`Tier: oss (${entitlement.reason ?? 'missing_key'})`);
    options.log(activationHint());
  }
  const registry = entitlement.tier === 'pro' ? getProRegistry() : undefined;
  return { entitlement, licenseSource, registry };
}
