#!/usr/bin/env node
// Compiles a tiny consumer project against the packed types of the package in the current directory,
// with `types: []` and `skipLibCheck: false`, under every module resolution a consumer may use
// (node16 ESM and CJS, bundler, node10). Fails when a published `.d.ts` needs an ambient type it does not
// reference itself (TS2304 for `AbortSignal`, `Disposable`, ...) or when an entry point does not resolve.
// Usage (from a package directory): node ../../.ci/check-consumer-types.mjs
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const packageDirectory = process.cwd();
const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8'));
const entryPoints = Object.keys(manifest.exports ?? { '.': null })
  .filter((subpath) => subpath !== './package.json')
  .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));

const workspace = mkdtempSync(join(tmpdir(), 'bulkhead-consumer-types-'));
try {
  const consumer = join(workspace, 'consumer');
  const modules = join(consumer, 'node_modules');
  mkdirSync(modules, { recursive: true });

  // The package as npm would install it: packed, then unpacked into the consumer's node_modules.
  execFileSync('pnpm', ['pack', '--pack-destination', workspace], { cwd: packageDirectory, stdio: 'ignore' });
  const tarball = readdirSync(workspace).find((file) => file.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('pnpm pack produced no tarball');
  const installed = join(modules, manifest.name);
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(workspace, tarball), '-C', installed, '--strip-components=1']);

  // Its dependencies (and their @types), as the package itself resolves them; @types/node is what a Node
  // project has installed. Nothing is put on the `types` list: the package's files must reference it.
  const dependencies = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  for (const dependency of [...dependencies]) {
    dependencies.add(`@types/${dependency.replace(/^@([^/]+)\//, '$1__')}`);
  }
  dependencies.add('@types/node');
  for (const dependency of dependencies) {
    const source = join(packageDirectory, 'node_modules', dependency);
    if (!existsSync(source)) continue;
    const target = join(modules, dependency);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(realpathSync(source), target, 'dir');
  }

  const uses = entryPoints.map((entry, index) => `export type Entry${index} = typeof import('${entry}');`);
  writeFileSync(join(consumer, 'index.ts'), `${uses.join('\n')}\n`);
  writeFileSync(join(consumer, 'index.cts'), `${uses.join('\n')}\n`);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );

  const common = { strict: true, noEmit: true, types: [], skipLibCheck: false, target: 'ES2022' };
  const profiles = {
    'node16 (ESM)': {
      files: ['index.ts'],
      compilerOptions: { module: 'node16', moduleResolution: 'node16' },
    },
    'node16 (CJS)': {
      files: ['index.cts'],
      compilerOptions: { module: 'node16', moduleResolution: 'node16' },
    },
    bundler: {
      files: ['index.ts'],
      // A consumer whose own lib already declares the disposables must not clash with the package's.
      compilerOptions: {
        module: 'esnext',
        moduleResolution: 'bundler',
        lib: ['ES2023', 'ESNext.Disposable'],
      },
    },
    node10: { files: ['index.ts'], compilerOptions: { module: 'commonjs', moduleResolution: 'node10' } },
  };
  const tsc = createRequire(join(packageDirectory, 'package.json')).resolve('typescript/bin/tsc');
  let failures = 0;
  for (const [profile, config] of Object.entries(profiles)) {
    const file = join(consumer, `tsconfig.${profile.replace(/\W+/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify({ ...config, compilerOptions: { ...common, ...config.compilerOptions } }),
    );
    try {
      execFileSync(process.execPath, [tsc, '-p', file], { cwd: consumer, encoding: 'utf8', stdio: 'pipe' });
      console.log(`${manifest.name}: ${profile}: types compile (${entryPoints.join(', ')})`);
    } catch (error) {
      failures++;
      console.error(
        `${manifest.name}: ${profile}: consumer does not compile\n${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
    }
  }
  if (failures > 0) process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
