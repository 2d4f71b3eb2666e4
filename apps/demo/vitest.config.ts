import { sharedVitestConfig } from '../../vitest.shared.ts';

// Generous bounds: the smoke tests start real servers, worker threads and Chromium on loaded CI machines.
export default sharedVitestConfig('@x/demo', { testTimeout: 60_000, hookTimeout: 60_000 });
