import { type BulkheadState, createBulkheadState } from '../state.js';
import type { KeyAdmission } from './key-admission.js';
import type { KeyedBulkheadState, KeyState } from './keyed-state.js';

/** The frozen state of a keyed bulkhead, aggregated over keys; each key listed only with `perKeyState`. */
export function keyedState(name: string, admission: KeyAdmission): KeyedBulkheadState {
  const { options, compartments } = admission;
  const base = createBulkheadState({
    name,
    type: 'keyed',
    maxConcurrent: options.maxConcurrent * compartments.size,
    activeCount: admission.active,
    waitingCount: admission.waiting,
    maxQueue: options.maxQueue * compartments.size,
    ...admission.ledger.stateCounts(),
    closed: admission.closed,
  });
  let keys: Record<string, KeyState> | undefined;
  if (options.perKeyState) {
    keys = {};
    for (const [key, compartment] of compartments.entries()) {
      keys[key] = Object.freeze({
        active: compartment.active,
        waiting: compartment.waiting,
        rejected: compartment.rejected,
      });
    }
  }
  return Object.freeze({
    ...base,
    type: 'keyed',
    keyCount: compartments.size,
    maxKeys: options.maxKeys,
    evictedKeys: compartments.evicted,
    perKey: Object.freeze({ maxConcurrent: options.maxConcurrent, maxQueue: options.maxQueue }),
    ...(keys === undefined ? {} : { keys: Object.freeze(keys) }),
  });
}

/** The state of `key`'s compartment, named `name` (all zeros for a key without one). */
export function keyState(name: string, key: string, admission: KeyAdmission): BulkheadState {
  const compartment = admission.compartments.get(key);
  return createBulkheadState({
    name,
    type: 'keyed',
    maxConcurrent: admission.options.maxConcurrent,
    activeCount: compartment?.active ?? 0,
    waitingCount: compartment?.waiting ?? 0,
    maxQueue: admission.options.maxQueue,
    rejectedCount: compartment?.rejected ?? 0,
    admittedCount: compartment?.admitted ?? 0,
    successfulCalls: compartment?.successful ?? 0,
    failedCalls: compartment?.failed ?? 0,
    lastRejectionTime: null,
    closed: admission.closed,
  });
}
