import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Loads the built package through its own `exports` (self-reference), as users do: the `index` and
// `extension` entries must share one set of classes, or `instanceof` would fail between them.
const require = createRequire(import.meta.url);

function rejectWithLedger(extension: typeof import('@x/bulkhead-core/extension'), events: unknown): unknown {
  const ledger = new extension.AdmissionLedger({
    subject: { name: 'entries', type: 'semaphore', maxConcurrent: 1, activeCount: 1, waitingCount: 0 },
    events: events as never,
    captureStackTrace: false,
  });
  return ledger.full('queue_full', 0);
}

describe('package entries', () => {
  it('share one set of classes in the ESM build', async () => {
    const core = await import('@x/bulkhead-core');
    const extension = await import('@x/bulkhead-core/extension');
    const error = rejectWithLedger(extension, new core.BulkheadEventEmitter());
    expect(error).toBeInstanceOf(core.BulkheadFullError);
    expect(error).toMatchObject({ code: 'BULKHEAD_FULL', reason: 'queue_full', bulkheadName: 'entries' });
  });

  it('share one set of classes in the CommonJS build', () => {
    const core = require('@x/bulkhead-core') as typeof import('@x/bulkhead-core');
    const extension = require('@x/bulkhead-core/extension') as typeof import('@x/bulkhead-core/extension');
    const error = rejectWithLedger(extension, new core.BulkheadEventEmitter());
    expect(error).toBeInstanceOf(core.BulkheadFullError);
  });
});
