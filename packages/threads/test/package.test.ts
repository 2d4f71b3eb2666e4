import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('the built package', () => {
  it('runs a worker task from the ESM build (import)', async () => {
    const { stdout } = await run(process.execPath, [`${fixtures}smoke-import.mjs`], {
      cwd: packageDirectory,
    });
    expect(stdout).toBe('esm:42');
  });

  it('runs a worker task from the CJS build (require)', async () => {
    const { stdout } = await run(process.execPath, [`${fixtures}smoke-require.cjs`], {
      cwd: packageDirectory,
    });
    expect(stdout).toBe('cjs:42');
  });

  it('ships the worker runtime and no sources or test fixtures', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: packageDirectory,
    });
    const [pack] = JSON.parse(stdout) as [{ files: Array<{ path: string }> }];
    const paths = pack.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.cjs',
        'dist/index.d.ts',
        'dist/worker-runtime.cjs',
      ]),
    );
    expect(paths.filter((path) => path.startsWith('test/') || path.startsWith('src/'))).toEqual([]);
  });
});
