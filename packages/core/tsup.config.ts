import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/extension.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // One shared chunk for both entries, so `index` and `extension` hand out the same classes.
  splitting: true,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
});
