import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the worker runtime that wraps every task: `worker-runtime.cjs`, beside the built
 * bundle that asks (ESM `index.js` and CJS `index.cjs` alike). From the TypeScript sources (tests)
 * it is the built one in `dist`, since worker threads load plain JavaScript.
 */
export function workerRuntimePath(): string {
  const here = import.meta.url;
  const fromSources = here.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? '../../dist/worker-runtime.cjs' : './worker-runtime.cjs', here));
}
