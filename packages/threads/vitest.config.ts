import { sharedVitestConfig } from '../../vitest.shared.ts';

export default sharedVitestConfig('@x/bulkhead-threads', {
  globalSetup: ['./test/global-setup.ts'],
  // Real worker threads: generous limits for a loaded 2-core machine.
  testTimeout: 30_000,
  hookTimeout: 30_000,
});
