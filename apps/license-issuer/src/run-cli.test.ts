import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { init } from '@x/bulkhead-core';
import { trustKeysForTesting } from '@x/bulkhead-pro/testing';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';

function captureIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    out: () => out,
    err: () => err,
  };
}

async function cli(...argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

async function keyPair() {
  const directory = mkdtempSync(path.join(tmpdir(), 'license-issuer-'));
  const privateKey = path.join(directory, 'signing.pem');
  const result = await cli('keygen', '--out', privateKey);
  const publicJwk = path.join(directory, 'public.jwk.json');
  writeFileSync(publicJwk, result.stdout);
  return { directory, privateKey, publicJwk, result };
}

describe('keygen', () => {
  it('writes the private key (mode 0600), prints the public JWK and refuses to overwrite', async () => {
    const { privateKey, result } = await keyPair();
    expect(result.code).toBe(0);
    expect(readFileSync(privateKey, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(privateKey).mode & 0o777).toBe(0o600);
    const jwk = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(jwk).sort()).toEqual(['crv', 'kid', 'kty', 'x']);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(result.stdout).not.toContain('PRIVATE');
    const again = await cli('keygen', '--out', privateKey);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; refusing to overwrite/);
  });

  it('requires --out', async () => {
    expect(await cli('keygen')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--out is required/),
    });
  });
});

describe('issue and inspect', () => {
  it('issues a license that inspect decodes and verifies with the trusted public key', async () => {
    const { privateKey, publicJwk } = await keyPair();
    const issued = await cli(
      'issue',
      '--key',
      privateKey,
      '--licensee',
      'Acme Corp',
      '--features',
      'pro_registry, admin_api',
      '--expires',
      '2099-12-31',
    );
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim();
    expect(token.split('.')).toHaveLength(3);

    const inspected = await cli('inspect', token, '--trust', publicJwk);
    expect(inspected.code).toBe(0);
    const report = JSON.parse(inspected.stdout) as {
      status: string;
      header: Record<string, unknown>;
      claims: Record<string, unknown>;
    };
    expect(report.status).toBe('valid');
    expect(report.header).toMatchObject({
      alg: 'EdDSA',
      kid: JSON.parse(readFileSync(publicJwk, 'utf8')).kid,
    });
    expect(report.claims).toMatchObject({
      licensee: 'Acme Corp',
      product: 'x-bulkhead-pro',
      features: ['pro_registry', 'admin_api'],
      exp: '2099-12-31T23:59:59.000Z',
    });
    expect(inspected.stderr).toMatch(/FOR TESTING/);
  });

  it('inspect reports the rejection reason without a trusted key, for garbage and tampering', async () => {
    const { privateKey } = await keyPair();
    const token = (
      await cli('issue', '--key', privateKey, '--licensee', 'A', '--features', '*', '--expires', '2099-01-01')
    ).stdout.trim();
    const untrusted = await cli('inspect', token);
    expect(untrusted.code).toBe(1);
    expect(JSON.parse(untrusted.stdout)).toMatchObject({ status: 'unknown_key_id' });
    const garbage = await cli('inspect', 'garbage');
    expect(JSON.parse(garbage.stdout)).toMatchObject({ status: 'malformed_key', header: null, claims: null });
  });

  it.each([
    [['--licensee', 'A', '--features', '*', '--expires', '2099-01-01'], /--key is required/],
    [['--key', 'k.pem', '--features', '*', '--expires', '2099-01-01'], /--licensee is required/],
    [['--key', 'k.pem', '--licensee', 'A', '--expires', '2099-01-01'], /--features is required/],
    [['--key', 'k.pem', '--licensee', 'A', '--features', '*'], /--expires is required/],
    [
      ['--key', 'k.pem', '--licensee', 'A', '--features', ' , ', '--expires', '2099-01-01'],
      /--features must list at least one/,
    ],
    [
      ['--key', 'k.pem', '--licensee', 'A', '--features', '*', '--expires', 'soon'],
      /--expires must be a date/,
    ],
    [
      ['--key', 'k.pem', '--licensee', 'A', '--features', '*', '--expires', '2001-01-01'],
      /--expires must be in the future/,
    ],
    [
      [
        '--key',
        'k.pem',
        '--licensee',
        'A',
        '--features',
        '*',
        '--expires',
        '2099-01-01',
        '--not-before',
        '2099-06-01',
      ],
      /--not-before must be before --expires/,
    ],
    [
      ['--key', '/nonexistent/k.pem', '--licensee', 'A', '--features', '*', '--expires', '2099-01-01'],
      /cannot read the private key/,
    ],
    [['--bogus'], /Unknown option/],
  ])('issue validates %j', async (argv, message) => {
    const result = await cli('issue', ...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('issue refuses a file that is not a private key', async () => {
    const { publicJwk } = await keyPair();
    const result = await cli(
      'issue',
      '--key',
      publicJwk,
      '--licensee',
      'A',
      '--features',
      '*',
      '--expires',
      '2099-01-01',
    );
    expect(result).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/not a PKCS#8 PEM Ed25519 private key/),
    });
  });

  it('inspect validates its arguments', async () => {
    expect((await cli('inspect')).code).toBe(2);
    expect((await cli('inspect', 'a', 'b')).code).toBe(2);
    expect((await cli('inspect', 'a', '--trust', '/nonexistent.json')).stderr).toMatch(/--trust/);
  });
});

describe('the private key stays outside the repository', () => {
  const appDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

  it('keygen refuses to write a private key inside a git repository', async () => {
    const target = path.join(appDirectory, 'vendor-signing-key.pem');
    const result = await cli('keygen', '--out', target);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /is inside the git repository .*keep the private key outside every repository/,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('issue refuses a key file inside a git repository', async () => {
    const result = await cli(
      'issue',
      ...['--key', path.join(appDirectory, 'package.json'), '--licensee', 'A'],
      ...['--features', '*', '--expires', '2099-01-01'],
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--key .* is inside the git repository/);
  });

  it('a license issued with a key file in a temporary directory activates PRO once that key is trusted', async () => {
    const { privateKey, publicJwk } = await keyPair();
    const issued = await cli(
      'issue',
      ...['--key', privateKey, '--licensee', 'Acme Corp', '--features', 'pro_registry,drain'],
      ...['--expires', '2099-12-31'],
    );
    trustKeysForTesting([JSON.parse(readFileSync(publicJwk, 'utf8'))]);
    try {
      const warnings: unknown[] = [];
      const entitlement = await init({
        licenseKey: issued.stdout.trim(),
        logger: { info: () => undefined, warn: (record) => warnings.push(record) },
      });
      expect(entitlement).toMatchObject({
        tier: 'pro',
        licensee: 'Acme Corp',
        features: ['pro_registry', 'drain'],
        testKey: true,
        expiresAt: new Date('2099-12-31T23:59:59.000Z'),
      });
      expect(warnings).toContainEqual(expect.objectContaining({ event: 'entitlement.test_key_used' }));
    } finally {
      trustKeysForTesting([]);
    }
  });
});

describe('the command line', () => {
  it('prints usage for --help and for an unknown command', async () => {
    expect(await cli('--help')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Usage: issue-license'),
    });
    expect(await cli()).toMatchObject({ code: 2 });
    expect(await cli('frobnicate')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown command 'frobnicate'"),
    });
  });

  it('runs as a real process through tsx', async () => {
    const appDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', '--help'],
      {
        cwd: appDirectory,
        timeout: 60_000,
      },
    );
    expect(stdout).toContain('keygen --out <private.pem>');
  }, 60_000);

  it('inspect --trust refuses to trust a key when NODE_ENV is production', async () => {
    const appDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const { privateKey, publicJwk } = await keyPair();
    const token = (
      await cli('issue', '--key', privateKey, '--licensee', 'A', '--features', '*', '--expires', '2099-01-01')
    ).stdout.trim();
    const result = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'inspect', token, '--trust', publicJwk],
      { cwd: appDirectory, timeout: 60_000, env: { ...process.env, NODE_ENV: 'production' } },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refuses to run when NODE_ENV is production/);
  }, 60_000);
});
