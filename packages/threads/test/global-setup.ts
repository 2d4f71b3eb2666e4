import { build, type Options } from 'tsup';
import configs from '../tsup.config.ts';

/**
 * Worker threads load the built runtime (`dist/worker-runtime.cjs`), not the TypeScript sources, and
 * the packaging tests load the built bundles: rebuild the JavaScript (not the types) before the run.
 */
export async function setup(): Promise<void> {
  for (const config of configs as Options[]) {
    // `config: false`: use exactly this entry (tsup would otherwise load tsup.config.ts again).
    await build({ ...config, config: false, dts: false, clean: false, silent: true });
  }
}
