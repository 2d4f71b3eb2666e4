import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/extension.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  // Published types reference Node's own (AbortSignal, Disposable, AsyncDisposable, node:* modules), so a
  // consumer compiling with `types: []` and `skipLibCheck: false` gets them (checked by check:packages).
  dts: { banner: '/// <reference types="node" />' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // One shared chunk for all entries, so `index`, `extension` and `testing` hand out the same classes and state.
  splitting: true,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
});
