import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', undici: 'src/undici.ts' },
  format: ['esm', 'cjs'],
  // Published types reference Node's own (AbortSignal, Disposable, AsyncDisposable, node:* modules), so a
  // consumer compiling with `types: []` and `skipLibCheck: false` gets them (checked by check:packages).
  dts: { banner: '/// <reference types="node" />' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
});
