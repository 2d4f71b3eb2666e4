import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/extension.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // One shared chunk for all entries, so `index`, `extension` and `testing` hand out the same classes and state.
  splitting: true,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
});
