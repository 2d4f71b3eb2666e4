import path from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Shared Vitest settings for every workspace package. When BULKHEAD_TEST_REPORT_DIR is set
 * (by `.ci/run`), each run also writes a JSON report there so totals can be summed across runs.
 */
export function sharedVitestConfig(packageName: string, overrides: ViteUserConfig['test'] = {}) {
  const reportDirectory = process.env.BULKHEAD_TEST_REPORT_DIR;
  const reporters: NonNullable<ViteUserConfig['test']>['reporters'] = reportDirectory
    ? [
        'default',
        [
          'json',
          {
            outputFile: path.join(
              reportDirectory,
              `${packageName.replace(/[@/]/g, '_')}-node${process.versions.node}.json`,
            ),
          },
        ],
      ]
    : ['default'];
  return defineConfig({
    // Node 20 has neither `using` declarations nor standard decorators: lower them in tests.
    esbuild: { target: 'node20' },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters,
      typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
      ...overrides,
    },
  });
}
