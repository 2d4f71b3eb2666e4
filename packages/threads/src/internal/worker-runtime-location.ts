import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the worker runtime that wraps every task. The built bundles sit beside
 * `worker-runtime.js` (ESM) and `worker-runtime.cjs` (CJS); from the TypeScript sources (tests)
 * the built ESM runtime in `dist` is used, since worker threads load plain JavaScript.
 */
export function workerRuntimePath(): string {
  const here = import.meta.url;
  let relative = '../../dist/worker-runtime.js';
  if (here.endsWith('.cjs')) relative = './worker-runtime.cjs';
  else if (here.endsWith('.js')) relative = './worker-runtime.js';
  return fileURLToPath(new URL(relative, here));
}
