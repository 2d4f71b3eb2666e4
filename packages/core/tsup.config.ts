import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/extension.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
});
