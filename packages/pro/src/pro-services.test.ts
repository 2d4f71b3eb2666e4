import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getBulkheadRegistry, getEntitlement, getOssBulkheadRegistry, init } from '@x/bulkhead-core';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isProFeatureEnabled } from './feature-gate.js';
import { configureProRegistry, registerProServices } from './pro-services.js';
import { isProBulkheadRegistry } from './registry/pro-registry.js';
import { resetProStateForTesting } from './test-support/entitle.js';
import {
  captureLogs,
  createTestSigner,
  epochSeconds,
  type TestSigner,
  validClaims,
} from './test-support/license-fixtures.js';
import { trustKeysForTesting } from './testing.js';

function settingsFileWith(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bulkhead-services-')), 'bulkheads.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

/** The bytes a token carries; two spellings of the same bytes (unused base64 bits) are the same token. */
const tokenBytes = (token: string): string =>
  token
    .split('.')
    .map((segment) => Buffer.from(segment, 'base64url').toString('hex'))
    .join('.');

let signer: TestSigner;
let otherSigner: TestSigner;

beforeAll(async () => {
  signer = await createTestSigner();
  otherSigner = await createTestSigner();
});

afterEach(() => resetProStateForTesting());

async function initWith(licenseKey: string | undefined) {
  trustKeysForTesting([signer.publicKey]);
  const logs = captureLogs();
  const entitlement = await init({
    ...(licenseKey === undefined ? {} : { licenseKey }),
    logger: logs.logger,
    env: {},
  });
  return { entitlement, logs };
}

const now = epochSeconds();
const cases: Array<[string, () => Promise<string>]> = [
  ['malformed_key', async () => 'not-a-license-key-at-all-0123456789'],
  [
    'invalid_signature',
    async () => {
      const [header, , signature] = (await signer.sign()).split('.');
      const forged = Buffer.from(JSON.stringify(validClaims({ features: ['*'], licensee: 'Eve' }))).toString(
        'base64url',
      );
      return `${header}.${forged}.${signature}`;
    },
  ],
  ['unknown_key_id', () => otherSigner.sign()],
  [
    'expired',
    () => signer.sign({ payload: validClaims({ iat: now - 9000, nbf: now - 9000, exp: now - 3600 }) }),
  ],
  ['not_yet_valid', () => signer.sign({ payload: validClaims({ nbf: now + 3600, exp: now + 9000 }) })],
  ['wrong_product', () => signer.sign({ payload: validClaims({ product: 'x-something-else' }) })],
];

describe('init() with @x/bulkhead-pro installed', () => {
  it('activates PRO with a valid key: entitlement, PRO registry and one pro_registered event', async () => {
    const licenseKey = await signer.sign({
      payload: validClaims({ features: ['*'], licensee: 'Acme Corp' }),
    });
    const { entitlement, logs } = await initWith(licenseKey);
    expect(entitlement).toMatchObject({ tier: 'pro', licensee: 'Acme Corp', features: ['*'], testKey: true });
    expect(entitlement.expiresAt).toBeInstanceOf(Date);
    expect(entitlement.keyFingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(isProBulkheadRegistry(getBulkheadRegistry())).toBe(true);
    expect(getBulkheadRegistry().listNames()).toEqual(['database', 'cache', 'external_api', 'message_queue']);
    const registered = logs.events('entitlement.pro_registered');
    expect(registered).toHaveLength(1);
    expect(registered[0]?.object).toMatchObject({ licensee: 'Acme Corp', testKey: true });
    expect(logs.events('entitlement.test_key_used')).toEqual([
      expect.objectContaining({
        level: 'warn',
        object: expect.objectContaining({ keyId: signer.publicKey.kid }),
      }),
    ]);
    expect(logs.text()).not.toContain(licenseKey);
  });

  it.each(cases)(
    'rejects a %s key: OSS entitlement, one skip event with that reason, key never logged',
    async (reason, makeKey) => {
      const licenseKey = await makeKey();
      const { entitlement, logs } = await initWith(licenseKey);
      expect(entitlement).toMatchObject({ tier: 'oss', reason, features: [] });
      const skipped = logs.events('entitlement.pro_registration_skipped');
      expect(skipped).toHaveLength(1);
      expect(skipped[0]?.object).toMatchObject({ reason, keyFingerprint: entitlement.keyFingerprint });
      expect(logs.events('entitlement.pro_registered')).toHaveLength(0);
      expect(getBulkheadRegistry()).toBe(getOssBulkheadRegistry());
      expect(logs.text()).not.toContain(licenseKey);
      expect(JSON.stringify(entitlement)).not.toContain(licenseKey);
    },
  );

  it('reports missing_key when no key is given', async () => {
    const { entitlement, logs } = await initWith(undefined);
    expect(entitlement).toMatchObject({ tier: 'oss', reason: 'missing_key' });
    expect(logs.events('entitlement.pro_registration_skipped')).toHaveLength(1);
  });

  it('is safe to call twice: same key, same result, one verification', async () => {
    const licenseKey = await signer.sign();
    const first = await initWith(licenseKey);
    const second = await initWith(licenseKey);
    expect(second.entitlement).toBe(first.entitlement);
    expect(second.logs.records).toHaveLength(0);
  });

  it('keeps the same PRO registry across re-activations and falls back to OSS after a bad key', async () => {
    await initWith(await signer.sign());
    const proRegistry = getBulkheadRegistry();
    await initWith('garbage-garbage-garbage-garbage');
    expect(getBulkheadRegistry()).toBe(getOssBulkheadRegistry());
    await initWith(await signer.sign({ payload: validClaims({ licensee: 'Again' }) }));
    expect(getBulkheadRegistry()).toBe(proRegistry);
  });

  it('grants only the licensed features', async () => {
    const { logs } = await initWith(
      await signer.sign({ payload: validClaims({ features: ['pro_registry'] }) }),
    );
    expect(isProFeatureEnabled('pro_registry')).toBe(true);
    expect(isProFeatureEnabled('admin_api')).toBe(false);
    expect(isProFeatureEnabled('admin_api')).toBe(false);
    expect(logs.events('entitlement.pro_feature_unavailable')).toHaveLength(1);
  });

  it('installs no PRO registry when the license lacks pro_registry', async () => {
    const { entitlement } = await initWith(
      await signer.sign({ payload: validClaims({ features: ['admin_api'] }) }),
    );
    expect(entitlement.tier).toBe('pro');
    expect(getBulkheadRegistry()).toBe(getOssBulkheadRegistry());
  });

  it('builds the registry from configureProRegistry() settings', async () => {
    configureProRegistry({ settings: { database: { maxConcurrent: 3 } }, env: {} });
    await initWith(await signer.sign());
    expect(getBulkheadRegistry().get('database').getState().maxConcurrent).toBe(3);
  });

  it('does not watch the settings file without the live_reconfiguration feature', async () => {
    const settingsFile = settingsFileWith({ cache: { maxConcurrent: 4 } });
    configureProRegistry({ settingsFile, watchSettingsFile: true, env: {} });
    const { logs } = await initWith(
      await signer.sign({ payload: validClaims({ features: ['pro_registry'] }) }),
    );
    expect(getBulkheadRegistry().get('cache').getState().maxConcurrent).toBe(4);
    expect(logs.events('entitlement.pro_feature_unavailable')[0]?.object).toMatchObject({
      feature: 'live_reconfiguration',
    });
  });

  it('validates configureProRegistry() options at once', () => {
    expect(() => configureProRegistry({ settings: { database: { maxConcurrent: 0 } } })).toThrow(
      'options.settings.database.maxConcurrent must be an integer >= 1, got 0',
    );
    expect(() => configureProRegistry({ watchSettingsFile: 1 as never })).toThrow(
      'options.watchSettingsFile must be a boolean',
    );
  });

  it('reports invalid PRO settings as pro_registration_failed without leaking the key', async () => {
    configureProRegistry({ env: { BULKHEAD_DATABASE_MAX_CONCURRENT: '0' } });
    const licenseKey = await signer.sign();
    const { entitlement, logs } = await initWith(licenseKey);
    expect(entitlement).toMatchObject({ tier: 'oss', reason: 'pro_registration_failed' });
    expect(String(logs.events('entitlement.pro_registration_skipped')[0]?.object.detail)).toMatch(
      /BULKHEAD_DATABASE_MAX_CONCURRENT must be an integer >= 1/,
    );
    expect(logs.text()).not.toContain(licenseKey);
  });

  it('validates the activation context', async () => {
    await expect(registerProServices(null as never)).rejects.toThrow(TypeError);
    await expect(
      registerProServices({ licenseKey: 1, keyFingerprint: 'f', logger: console } as never),
    ).rejects.toThrow(/context.licenseKey/);
    expect(() => configureProRegistry(null as never)).toThrow(TypeError);
  });

  it('never crashes on fuzzed garbage keys: always OSS with a reason, key never logged', async () => {
    const validToken = await signer.sign();
    const garbage = fc.oneof(
      fc.string({ minLength: 1, maxLength: 300 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,90}$/),
      fc
        .tuple(fc.nat({ max: validToken.length - 1 }), fc.constantFrom('A', 'B', '-', '_', '.', '='))
        .map(
          ([index, character]) => `${validToken.slice(0, index)}${character}${validToken.slice(index + 1)}`,
        )
        .filter((token) => tokenBytes(token) !== tokenBytes(validToken)),
      fc
        .array(fc.jsonValue(), { minLength: 1, maxLength: 3 })
        .map((parts) =>
          parts.map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.'),
        ),
    );
    const reasons = [
      'malformed_key',
      'invalid_signature',
      'unknown_key_id',
      'expired',
      'not_yet_valid',
      'wrong_product',
    ];
    await fc.assert(
      fc.asyncProperty(garbage, async (licenseKey) => {
        resetProStateForTesting();
        const { entitlement, logs } = await initWith(licenseKey);
        if (licenseKey.trim() === '') {
          expect(entitlement.reason).toBe('missing_key');
          return;
        }
        expect(entitlement.tier).toBe('oss');
        expect(reasons).toContain(entitlement.reason);
        expect(getEntitlement()).toBe(entitlement);
        if (licenseKey.trim().length >= 20) expect(logs.text()).not.toContain(licenseKey.trim());
      }),
      { numRuns: 200 },
    );
  });
});
