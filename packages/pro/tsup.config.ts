import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', compose: 'src/compose/index.ts', testing: 'src/testing.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Shared chunks: the entries hand out the same classes and module state.
  splitting: true,
  treeshake: true,
  shims: true,
  tsconfig: 'tsconfig.build.json',
});
