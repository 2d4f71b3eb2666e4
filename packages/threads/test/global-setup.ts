import { build, type Options } from 'tsup';
import configs from '../tsup.config.ts';

/**
 * Worker threads load the built runtime (`dist/worker-runtime.cjs`), not the TypeScript sources, and
 * the packaging tests load the built bundles: rebuild the JavaScript (not the types) before the run.
 */
export async function setup(): Promise<void> {
  for (const config of configs as Options[]) {
    await build({ ...config, dts: false, clean: false, silent: true });
  }
}
