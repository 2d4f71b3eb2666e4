import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Options } from 'tsup';
import configs from '../tsup.config.ts';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const BUILT_FILES = ['dist/index.js', 'dist/index.cjs', 'dist/worker-runtime.cjs'];

function modifiedAt(path: string): number {
  try {
    return statSync(`${packageDirectory}${path}`).mtimeMs;
  } catch {
    return Number.NaN;
  }
}

/** True when every built file exists and is newer than every source file and the build config. */
function isBuildFresh(): boolean {
  const sources = readdirSync(`${packageDirectory}src`, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.c?ts$/.test(file) && !file.endsWith('.test.ts'))
    .map((file) => modifiedAt(`src/${file}`));
  const newestSource = Math.max(modifiedAt('tsup.config.ts'), ...sources);
  const oldestBuilt = Math.min(...BUILT_FILES.map(modifiedAt));
  return oldestBuilt > newestSource;
}

/**
 * Worker threads load the built runtime (`dist/worker-runtime.cjs`), not the TypeScript sources, and
 * the packaging tests load the built bundles: rebuild the JavaScript (not the types) when it is
 * missing or older than the sources. A fresh build (e.g. by the pipeline just before) is left alone.
 */
export async function setup(): Promise<void> {
  if (isBuildFresh()) return;
  for (const config of configs as Options[]) {
    // `config: false`: use exactly this entry (tsup would otherwise load tsup.config.ts again).
    await build({ ...config, config: false, dts: false, clean: false, silent: true });
  }
}
