import { defineConfig } from 'tsup';

const shared = {
  // Published types reference Node's own (AbortSignal, Disposable, AsyncDisposable, node:* modules), so a
  // consumer compiling with `types: []` and `skipLibCheck: false` gets them (checked by check:packages).
  dts: { banner: '/// <reference types="node" />' },
  sourcemap: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
} as const;

export default defineConfig([
  // Shims `import.meta.url` in the CJS build, which locates the worker runtime beside the bundle.
  {
    ...shared,
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    shims: true,
    // The two builds run concurrently: each cleans only its own files.
    clean: ['**/*', '!worker-runtime.*'],
  },
  // The worker runtime: its own CommonJS file, loaded by path in every worker thread.
  {
    ...shared,
    entry: { 'worker-runtime': 'src/worker-runtime.cts' },
    format: ['cjs'],
    dts: false,
    clean: ['worker-runtime.*'],
  },
]);
