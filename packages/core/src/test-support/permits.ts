import type { Permit } from '../permit.js';
import type { SemaphoreBulkhead } from '../semaphore-bulkhead.js';

/** Takes every free permit of `bulkhead` without counting a rejection. */
export function fill(bulkhead: SemaphoreBulkhead): Permit[] {
  const permits: Permit[] = [];
  while (bulkhead.activeCount < bulkhead.maxConcurrent) permits.push(bulkhead.tryAcquire()!);
  return permits;
}
