import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----\s+[A-Za-z0-9+/=]{16,}/;

function* files(directory: string): Generator<string> {
  for (const entry of readdirSync(directory)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const target = path.join(directory, entry);
    if (statSync(target).isDirectory()) yield* files(target);
    else yield target;
  }
}

describe('repository hygiene', () => {
  it('no private signing key is stored in the license issuer or the PRO package', () => {
    const offenders = [
      path.join(repositoryRoot, 'apps/license-issuer'),
      path.join(repositoryRoot, 'packages/pro'),
    ]
      .flatMap((directory) => [...files(directory)])
      .filter((file) => PRIVATE_KEY.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the app ignores private key files in git', () => {
    const ignore = readFileSync(path.join(repositoryRoot, 'apps/license-issuer/.gitignore'), 'utf8');
    expect(ignore).toMatch(/^\*\.pem$/m);
  });
});
