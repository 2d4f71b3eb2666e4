import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker runtime is its own entry: worker threads load it by path, beside the bundle that needs it.
  entry: { index: 'src/index.ts', 'worker-runtime': 'src/worker-runtime.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // Shims `import.meta.url` in the CJS build, which locates the worker runtime.
  shims: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
});
