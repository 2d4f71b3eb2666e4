import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BulkheadRegistry,
  type Entitlement,
  type EntitlementLogger,
  getBulkheadLogger,
  getBulkheadRegistry,
  getEntitlement,
  getOssBulkheadRegistry,
  init,
  jsonStderrLogger,
  licenseKeyFingerprint,
  type ProActivationContext,
  type ProProvider,
  registerProProvider,
  setBulkheadRegistry,
} from './index.js';
import { resetEntitlementForTesting } from './testing.js';

const LICENSE_KEY = 'BHK1.secret-license-key-value.signature';
const SLOT_KEY = Symbol.for('x.bulkhead.global.v1');

interface SlotView {
  proProvider: ProProvider | undefined;
}

function slot(): SlotView {
  return Reflect.get(globalThis, SLOT_KEY) as SlotView;
}

/** A logger that keeps every record, serialised the way a JSON logger would write it. */
function capturingLogger(): EntitlementLogger & { records: Array<Record<string, unknown>>; lines: string[] } {
  const records: Array<Record<string, unknown>> = [];
  const lines: string[] = [];
  const write = (level: string) => (object: Record<string, unknown>, message?: string) => {
    records.push(object);
    lines.push(JSON.stringify({ level, ...object, msg: message }));
  };
  return { records, lines, info: write('info'), warn: write('warn') };
}

const proEntitlement: Entitlement = Object.freeze({
  tier: 'pro',
  licensee: 'ACME',
  features: Object.freeze(['registry']) as readonly string[],
  keyFingerprint: licenseKeyFingerprint(LICENSE_KEY),
});

let savedProvider: ProProvider | undefined;

beforeEach(() => {
  getOssBulkheadRegistry();
  savedProvider = slot().proProvider;
  slot().proProvider = undefined;
  resetEntitlementForTesting();
});

afterEach(() => {
  slot().proProvider = savedProvider;
  resetEntitlementForTesting();
  vi.restoreAllMocks();
});

describe('init() without a key', () => {
  it('keeps OSS and logs one entitlement.pro_registration_skipped record with reason missing_key', async () => {
    const logger = capturingLogger();
    const entitlement = await init({ logger, env: {} });
    expect(entitlement).toEqual({ tier: 'oss', reason: 'missing_key', features: [] });
    expect(getEntitlement()).toBe(entitlement);
    expect(logger.records).toEqual([
      { event: 'entitlement.pro_registration_skipped', reason: 'missing_key' },
    ]);
    expect(getBulkheadRegistry()).toBe(getOssBulkheadRegistry());
  });

  it('the default logger writes exactly one JSON line on stderr', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    await init({ env: {} });
    const output = written.join('');
    expect(output.endsWith('\n')).toBe(true);
    const lines = output.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 'info',
      event: 'entitlement.pro_registration_skipped',
      reason: 'missing_key',
      msg: 'Bulkhead PRO not activated; running with OSS defaults',
    });
    expect(Number.isNaN(Date.parse(String(record.time)))).toBe(false);
  });

  it('treats an empty or blank key as missing', async () => {
    for (const licenseKey of ['', '   ']) {
      resetEntitlementForTesting();
      const logger = capturingLogger();
      await expect(init({ licenseKey, logger, env: {} })).resolves.toMatchObject({ reason: 'missing_key' });
    }
  });

  it('getEntitlement() is OSS missing_key before any init()', () => {
    expect(getEntitlement()).toEqual({ tier: 'oss', reason: 'missing_key', features: [] });
  });
});

describe('init() with a registered provider', () => {
  it('hands the key, its fingerprint and the logger to the provider and returns its entitlement', async () => {
    const contexts: ProActivationContext[] = [];
    registerProProvider({
      registerProServices: (context) => {
        contexts.push(context);
        return proEntitlement;
      },
    });
    const logger = capturingLogger();
    const entitlement = await init({ licenseKey: LICENSE_KEY, logger });
    expect(entitlement).toBe(proEntitlement);
    expect(getEntitlement()).toBe(proEntitlement);
    expect(contexts).toEqual([
      {
        licenseKey: LICENSE_KEY,
        keyFingerprint: licenseKeyFingerprint(LICENSE_KEY),
        logger: { info: expect.any(Function), warn: expect.any(Function) },
      },
    ]);
    expect(logger.records).toEqual([]);
    // The provider and getBulkheadLogger() get a never-throwing wrapper that forwards to the user's logger.
    contexts[0]?.logger.info({ event: 'from-provider' });
    getBulkheadLogger().warn({ event: 'from-core' });
    expect(logger.records.map((record) => record.event)).toEqual(['from-provider', 'from-core']);
  });

  it('keeps running when the logger throws', async () => {
    const logger = {
      info: () => {
        throw new Error('logger down');
      },
      warn: () => {
        throw new Error('logger down');
      },
    };
    await expect(init({ env: {}, logger })).resolves.toMatchObject({ tier: 'oss', reason: 'missing_key' });
  });

  it('reads the key from options.env (BULKHEAD_LICENSE_KEY) when licenseKey is omitted', async () => {
    const provider = vi.fn(() => proEntitlement);
    registerProProvider({ registerProServices: provider });
    await init({ env: { BULKHEAD_LICENSE_KEY: LICENSE_KEY }, logger: capturingLogger() });
    expect(provider).toHaveBeenCalledWith(expect.objectContaining({ licenseKey: LICENSE_KEY }));
  });

  it('keeps the PRO registry installed by the provider', async () => {
    const proRegistry = new BulkheadRegistry();
    registerProProvider({
      registerProServices: () => {
        setBulkheadRegistry(proRegistry);
        return proEntitlement;
      },
    });
    await init({ licenseKey: LICENSE_KEY, logger: capturingLogger() });
    expect(getBulkheadRegistry()).toBe(proRegistry);
  });

  it('an OSS verdict of the provider is returned as is and drops any PRO registry', async () => {
    const verdict: Entitlement = { tier: 'oss', reason: 'expired', features: [] };
    registerProProvider({
      registerProServices: async () => {
        setBulkheadRegistry(new BulkheadRegistry());
        return verdict;
      },
    });
    await expect(init({ licenseKey: LICENSE_KEY, logger: capturingLogger() })).resolves.toBe(verdict);
    expect(getBulkheadRegistry()).toBe(getOssBulkheadRegistry());
  });

  it('a provider that throws gives pro_registration_failed, with the key redacted from the log', async () => {
    registerProProvider({
      registerProServices: () => {
        setBulkheadRegistry(new BulkheadRegistry());
        throw new Error(`cannot verify ${LICENSE_KEY}`);
      },
    });
    const logger = capturingLogger();
    const entitlement = await init({ licenseKey: LICENSE_KEY, logger });
    expect(entitlement).toEqual({
      tier: 'oss',
      reason: 'pro_registration_failed',
      features: [],
      keyFingerprint: licenseKeyFingerprint(LICENSE_KEY),
    });
    expect(logger.records).toEqual([
      {
        event: 'entitlement.pro_registration_skipped',
        reason: 'pro_registration_failed',
        keyFingerprint: licenseKeyFingerprint(LICENSE_KEY),
        detail: 'Error: cannot verify [license key]',
      },
    ]);
    expect(logger.lines.join('\n')).not.toContain(LICENSE_KEY);
    expect(getBulkheadRegistry()).toBe(getOssBulkheadRegistry());
  });

  it('a provider that returns nothing gives pro_registration_failed', async () => {
    registerProProvider({ registerProServices: () => undefined as never });
    await expect(init({ licenseKey: LICENSE_KEY, logger: capturingLogger() })).resolves.toMatchObject({
      tier: 'oss',
      reason: 'pro_registration_failed',
    });
  });

  it('registerProProvider() rejects a provider without registerProServices()', () => {
    expect(() => registerProProvider({} as never)).toThrow(
      new TypeError('provider must have a registerProServices() method'),
    );
    expect(() => registerProProvider(undefined as never)).toThrow(TypeError);
  });
});

describe('init() memoization', () => {
  it('the same key twice (even concurrently) verifies once and logs once', async () => {
    const provider = vi.fn(() => proEntitlement);
    registerProProvider({ registerProServices: provider });
    const logger = capturingLogger();
    const first = init({ licenseKey: LICENSE_KEY, logger });
    const second = init({ licenseKey: LICENSE_KEY, logger });
    expect(second).toBe(first);
    await first;
    await expect(init({ licenseKey: LICENSE_KEY, logger })).resolves.toBe(proEntitlement);
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('missing key twice logs once', async () => {
    const logger = capturingLogger();
    const first = await init({ logger, env: {} });
    const second = await init({ logger, env: {} });
    expect(second).toBe(first);
    expect(logger.records).toHaveLength(1);
  });

  it('a different key is verified anew and replaces the entitlement', async () => {
    const provider = vi.fn((context: ProActivationContext) =>
      context.licenseKey === LICENSE_KEY
        ? proEntitlement
        : ({ tier: 'oss', reason: 'invalid_signature', features: [] } as Entitlement),
    );
    registerProProvider({ registerProServices: provider });
    const logger = capturingLogger();
    await init({ licenseKey: LICENSE_KEY, logger });
    await expect(init({ licenseKey: 'another-key', logger })).resolves.toMatchObject({
      reason: 'invalid_signature',
    });
    expect(getEntitlement()).toMatchObject({ tier: 'oss', reason: 'invalid_signature' });
    await init({ licenseKey: LICENSE_KEY, logger });
    expect(getEntitlement()).toBe(proEntitlement);
    expect(provider).toHaveBeenCalledTimes(3);
  });
});

describe('init() with overlapping calls', () => {
  it('the latest call wins even when an earlier key finishes verifying last', async () => {
    const pending = new Map<string, (entitlement: Entitlement) => void>();
    registerProProvider({
      registerProServices: (context) =>
        new Promise<Entitlement>((resolve) => pending.set(context.licenseKey, resolve)),
    });
    const logger = capturingLogger();
    const first = init({ licenseKey: LICENSE_KEY, logger });
    const second = init({ licenseKey: 'a-second-key', logger });
    await vi.waitFor(() => expect(pending.size).toBe(2));
    const rejectedVerdict: Entitlement = { tier: 'oss', reason: 'invalid_signature', features: [] };
    pending.get('a-second-key')?.(rejectedVerdict);
    await expect(second).resolves.toBe(rejectedVerdict);
    pending.get(LICENSE_KEY)?.(proEntitlement);
    await expect(first).resolves.toBe(proEntitlement);
    expect(getEntitlement()).toBe(rejectedVerdict);
  });
});

describe('init() option validation', () => {
  it('throws a TypeError naming the option for wrong types', () => {
    expect(() => init(null as never)).toThrow(new TypeError('init(options) must be an object, got null'));
    expect(() => init('key' as never)).toThrow(
      new TypeError('init(options) must be an object, got string "key"'),
    );
    expect(() => init({ licenseKey: 42 as never })).toThrow(
      new TypeError('options.licenseKey must be a string, got number 42'),
    );
    expect(() => init({ logger: { info: () => undefined } as never })).toThrow(
      new TypeError('options.logger must have info() and warn() methods (pino and console both do)'),
    );
    expect(() => init({ logger: null as never })).toThrow(TypeError);
    expect(() => init({ env: 'production' as never })).toThrow(
      new TypeError('options.env must be an object, got string "production"'),
    );
    expect(getEntitlement()).toMatchObject({ reason: 'missing_key' });
  });

  it('accepts console as a logger', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    await init({ logger: console, env: {} });
    expect(info).toHaveBeenCalledWith(
      { event: 'entitlement.pro_registration_skipped', reason: 'missing_key' },
      'Bulkhead PRO not activated; running with OSS defaults',
    );
  });
});

describe('licenseKeyFingerprint and logger', () => {
  it('is a short, stable, non-reversible fingerprint', () => {
    const fingerprint = licenseKeyFingerprint(LICENSE_KEY);
    expect(fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(licenseKeyFingerprint(LICENSE_KEY)).toBe(fingerprint);
    expect(licenseKeyFingerprint('other')).not.toBe(fingerprint);
    expect(LICENSE_KEY).not.toContain(fingerprint);
  });

  it('getBulkheadLogger() defaults to JSON lines on stderr', () => {
    expect(getBulkheadLogger()).toBe(jsonStderrLogger);
  });
});

describe('init() when @x/bulkhead-pro is not installed', () => {
  afterEach(() => {
    vi.doUnmock('node:module');
    vi.resetModules();
  });

  it('in this process: a runner-style "Could not resolve" error and a failed lookup give pro_not_installed', async () => {
    // Vitest resolves the dynamic import itself (its error has no Node code); the application-directory
    // fallback is made to miss too, since Vitest puts pnpm's store (which may hold PRO) on NODE_PATH.
    vi.doMock('node:module', async (importOriginal) => {
      const original = await importOriginal<typeof import('node:module')>();
      const createRequireMissingPro = (from: string | URL) => {
        const require = original.createRequire(from);
        const resolve = (id: string) => {
          if (id === '@x/bulkhead-pro') {
            throw Object.assign(new Error("Cannot find module '@x/bulkhead-pro'"), {
              code: 'MODULE_NOT_FOUND',
            });
          }
          return require.resolve(id);
        };
        return Object.assign((id: string) => require(id), require, { resolve });
      };
      return {
        ...original,
        createRequire: createRequireMissingPro,
        default: { ...original, createRequire: createRequireMissingPro },
      };
    });
    vi.resetModules();
    const isolatedInit = await import('./init.js');
    const logger = capturingLogger();
    const entitlement = await isolatedInit.init({ licenseKey: LICENSE_KEY, logger });
    expect(entitlement).toEqual({
      tier: 'oss',
      reason: 'pro_not_installed',
      features: [],
      keyFingerprint: licenseKeyFingerprint(LICENSE_KEY),
    });
    expect(logger.records).toEqual([
      {
        event: 'entitlement.pro_registration_skipped',
        reason: 'pro_not_installed',
        keyFingerprint: licenseKeyFingerprint(LICENSE_KEY),
      },
    ]);
    expect(logger.lines.join('\n')).not.toContain(LICENSE_KEY);
  });

  // A copy of core compiled into an empty temporary directory: nothing there can resolve @x/bulkhead-pro,
  // whatever the monorepo holds, and Node's own resolver and default logger are exercised.
  let isolatedDirectory = '';

  beforeAll(async () => {
    isolatedDirectory = await mkdtemp(path.join(tmpdir(), 'bulkhead-core-isolated-'));
    const sourceDirectory = path.dirname(fileURLToPath(import.meta.url));
    const copy = async (relative: string): Promise<void> => {
      const entries = await readdir(path.join(sourceDirectory, relative), { withFileTypes: true });
      await mkdir(path.join(isolatedDirectory, relative), { recursive: true });
      for (const entry of entries) {
        const entryPath = path.join(relative, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'test-support') await copy(entryPath);
          continue;
        }
        if (!entry.name.endsWith('.ts') || /\.test(-d)?\.ts$/.test(entry.name)) continue;
        const source = await readFile(path.join(sourceDirectory, entryPath), 'utf8');
        const output = ts.transpileModule(source, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText;
        await writeFile(path.join(isolatedDirectory, entryPath.replace(/\.ts$/, '.js')), output);
      }
    };
    await copy('.');
    await writeFile(path.join(isolatedDirectory, 'package.json'), '{ "type": "module" }\n');
    await writeFile(
      path.join(isolatedDirectory, 'main.js'),
      [
        "import { init } from './index.js';",
        'const entitlement = await init({ licenseKey: process.env.TEST_LICENSE_KEY, env: {} });',
        'process.stdout.write(JSON.stringify(entitlement));',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    if (isolatedDirectory !== '') await rm(isolatedDirectory, { recursive: true, force: true });
  });

  /** Runs `main.js` of the isolated copy with `cwd` (the application directory) and no inherited module paths. */
  function runIsolated(cwd: string): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const environment: NodeJS.ProcessEnv = { ...process.env, TEST_LICENSE_KEY: LICENSE_KEY };
      delete environment.BULKHEAD_LICENSE_KEY;
      // Vitest puts pnpm's hoisted store on NODE_PATH, which createRequire honours: drop it too.
      delete environment.NODE_OPTIONS;
      delete environment.NODE_PATH;
      execFile(
        process.execPath,
        [path.join(isolatedDirectory, 'main.js')],
        { cwd, env: environment, timeout: 60_000 },
        (error, stdout, stderr) =>
          error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr }),
      );
    });
  }

  it('in a child process: pro_not_installed, one JSON line on stderr, the key never logged', {
    timeout: 120_000,
  }, async () => {
    const { stdout, stderr } = await runIsolated(isolatedDirectory);
    expect(JSON.parse(stdout)).toEqual({
      tier: 'oss',
      reason: 'pro_not_installed',
      features: [],
      keyFingerprint: licenseKeyFingerprint(LICENSE_KEY),
    });
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'info',
      event: 'entitlement.pro_registration_skipped',
      reason: 'pro_not_installed',
      keyFingerprint: licenseKeyFingerprint(LICENSE_KEY),
    });
    expect(stderr + stdout).not.toContain(LICENSE_KEY);
  });

  it('in a child process: an installed but broken PRO (missing dependency) is pro_registration_failed', {
    timeout: 120_000,
  }, async () => {
    const application = path.join(isolatedDirectory, 'application');
    const pro = path.join(application, 'node_modules', '@x', 'bulkhead-pro');
    await mkdir(pro, { recursive: true });
    await writeFile(path.join(application, 'package.json'), '{ "type": "module" }\n');
    await writeFile(
      path.join(pro, 'package.json'),
      '{ "name": "@x/bulkhead-pro", "type": "module", "exports": "./index.js" }\n',
    );
    await writeFile(path.join(pro, 'index.js'), "export { verify } from 'missing-dependency-of-pro';\n");
    const { stdout, stderr } = await runIsolated(application);
    expect(JSON.parse(stdout)).toMatchObject({ tier: 'oss', reason: 'pro_registration_failed' });
    const record = JSON.parse(stderr.trimEnd()) as Record<string, unknown>;
    expect(record).toMatchObject({ reason: 'pro_registration_failed' });
    expect(String(record.detail)).toContain('missing-dependency-of-pro');
  });
});
