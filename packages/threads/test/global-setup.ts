import { build, type Options } from 'tsup';
import config from '../tsup.config.ts';

/**
 * Worker threads load the built runtime (`dist/worker-runtime.js`), not the TypeScript sources, and
 * the packaging tests load the built bundles: rebuild the JavaScript (not the types) before the run.
 */
export async function setup(): Promise<void> {
  await build({ ...(config as Options), dts: false, clean: false, silent: true });
}
