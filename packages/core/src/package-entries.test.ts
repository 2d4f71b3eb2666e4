import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Loads the built package through its own `exports` (self-reference), as users do: the `index` and
// `extension` entries must share one set of classes, or `instanceof` would fail between them.
// Types come from the sources (typecheck runs before this package's own build); the modules from dist.
const require = createRequire(import.meta.url);
type Core = typeof import('./index.js');
type Extension = typeof import('./extension.js');
const CORE_ENTRY = '@x/bulkhead-core';
const EXTENSION_ENTRY = '@x/bulkhead-core/extension';
const TESTING_ENTRY = '@x/bulkhead-core/testing';

function rejectWithLedger(extension: Extension, events: unknown): unknown {
  const ledger = new extension.AdmissionLedger({
    subject: { name: 'entries', type: 'semaphore', maxConcurrent: 1, activeCount: 1, waitingCount: 0 },
    events: events as never,
    captureStackTrace: false,
  });
  return ledger.full('queue_full', 0);
}

describe('package entries', () => {
  it('share one set of classes in the ESM build', async () => {
    const core = (await import(/* @vite-ignore */ CORE_ENTRY)) as Core;
    const extension = (await import(/* @vite-ignore */ EXTENSION_ENTRY)) as Extension;
    const error = rejectWithLedger(extension, new core.BulkheadEventEmitter());
    expect(error).toBeInstanceOf(core.BulkheadFullError);
    expect(error).toMatchObject({ code: 'BULKHEAD_FULL', reason: 'queue_full', bulkheadName: 'entries' });
  });

  it('keep test helpers in the testing entry only', async () => {
    const core = (await import(/* @vite-ignore */ CORE_ENTRY)) as Record<string, unknown>;
    const testing = (await import(/* @vite-ignore */ TESTING_ENTRY)) as Record<string, unknown>;
    expect(core.resetEntitlementForTesting).toBeUndefined();
    expect(typeof testing.resetEntitlementForTesting).toBe('function');
    expect(typeof (require(TESTING_ENTRY) as Record<string, unknown>).resetEntitlementForTesting).toBe(
      'function',
    );
  });

  it('share one set of classes in the CommonJS build', () => {
    const core = require(CORE_ENTRY) as Core;
    const extension = require(EXTENSION_ENTRY) as Extension;
    const error = rejectWithLedger(extension, new core.BulkheadEventEmitter());
    expect(error).toBeInstanceOf(core.BulkheadFullError);
  });
});
