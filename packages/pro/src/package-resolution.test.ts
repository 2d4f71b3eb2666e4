import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestLicense } from './testing.js';

// These tests run the BUILT package (dist) in a fresh Node process, as an application would: the test key is
// trusted through the testing entry (which does not register PRO), and init() must find @x/bulkhead-pro by itself.
const packageDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

const esmScript = `
import { init, getBulkheadRegistry } from '@x/bulkhead-core';
import { trustKeysForTesting } from '@x/bulkhead-pro/testing';
trustKeysForTesting(JSON.parse(process.env.TEST_PUBLIC_KEYS));
const records = [];
const logger = { info: (o) => records.push(o), warn: (o) => records.push(o) };
const entitlement = await init({ logger });
console.log(JSON.stringify({ tier: entitlement.tier, reason: entitlement.reason, names: getBulkheadRegistry().listNames(), events: records.map((r) => r.event), logs: JSON.stringify(records) }));
`;

const cjsScript = `
const { init, getBulkheadRegistry } = require('@x/bulkhead-core');
require('@x/bulkhead-pro/testing').trustKeysForTesting(JSON.parse(process.env.TEST_PUBLIC_KEYS));
const records = [];
const logger = { info: (o) => records.push(o), warn: (o) => records.push(o) };
init({ logger }).then((entitlement) => {
  console.log(JSON.stringify({ tier: entitlement.tier, reason: entitlement.reason, names: getBulkheadRegistry().listNames(), events: records.map((r) => r.event), logs: JSON.stringify(records) }));
});
`;

const requireProFirstScript = `
require('@x/bulkhead-pro');
${cjsScript}
`;

const importProFirstScript = `
import '@x/bulkhead-pro';
${esmScript}
`;

async function runNode(script: string, type: 'module' | 'commonjs', env: Record<string, string>) {
  const { stdout } = await run(process.execPath, [`--input-type=${type}`, '-e', script], {
    cwd: packageDirectory,
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    tier: string;
    reason?: string;
    names: string[];
    events: string[];
    logs: string;
  };
}

describe('init() finds the installed @x/bulkhead-pro without any wiring', () => {
  let env: Record<string, string>;
  let licenseKey: string;

  beforeAll(async () => {
    const license = await createTestLicense();
    licenseKey = license.licenseKey;
    env = { BULKHEAD_LICENSE_KEY: licenseKey, TEST_PUBLIC_KEYS: JSON.stringify([license.publicKey]) };
  });

  it.each([
    ['ESM, importing core and the testing entry', esmScript, 'module'],
    ['CommonJS, requiring core and the testing entry', cjsScript, 'commonjs'],
    ['ESM, importing @x/bulkhead-pro first', importProFirstScript, 'module'],
    ['CommonJS, requiring @x/bulkhead-pro first', requireProFirstScript, 'commonjs'],
  ] as const)(
    '%s',
    async (_label, script, type) => {
      const result = await runNode(script, type, env);
      expect(result.tier).toBe('pro');
      expect(result.names).toEqual(['database', 'cache', 'external_api', 'message_queue']);
      expect(result.events).toContain('entitlement.pro_registered');
      expect(result.events).toContain('entitlement.test_key_used');
      expect(result.logs).not.toContain(licenseKey);
    },
    60_000,
  );

  it('falls back to OSS with a reason for a bad key in a fresh process', async () => {
    const result = await runNode(esmScript, 'module', { ...env, BULKHEAD_LICENSE_KEY: `${licenseKey}x` });
    expect(result).toMatchObject({ tier: 'oss', reason: 'invalid_signature', names: [] });
    expect(result.events).toContain('entitlement.pro_registration_skipped');
  }, 60_000);
});
