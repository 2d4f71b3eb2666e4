import type { BulkheadType } from './vocabulary.js';

/** A plain, JSON-serialisable snapshot of a compartment; `type` tells which fields are present. */
export interface BulkheadState {
  readonly name: string;
  readonly type: BulkheadType;
  readonly maxConcurrent: number;
  readonly activeCount: number;
  readonly waitingCount: number;
  /** Bound on waiters (`Infinity` when unbounded). */
  readonly maxQueue: number;
  readonly rejectedCount: number;
  /** Calls that asked for a permit: admitted plus rejected (a rejection rate is `rejectedCount / totalCalls`). */
  readonly totalCalls: number;
  /** Admitted calls that ended successfully. */
  readonly successfulCalls: number;
  /** Admitted calls that ended in an error (timeouts included; see `timedOutCount` where reported). */
  readonly failedCalls: number;
  /** Epoch milliseconds of the last rejection, or `null`. */
  readonly lastRejectionTime: number | null;
  /** `max(0, maxConcurrent - activeCount)`. */
  readonly availablePermits: number;
  /** `activeCount / maxConcurrent` in percent, 0-100 (capped). */
  readonly utilizationPercent: number;
  /** True once the bulkhead was closed. */
  readonly closed: boolean;
  /** Thread pools: bound on queued tasks. */
  readonly queueCapacity?: number;
  /** Thread pools: number of live workers. */
  readonly poolSize?: number;
  /** Thread pools and policies: calls that timed out. */
  readonly timedOutCount?: number;
  /** Calls whose caller gave up (timeout) while the work still runs and holds its slot. */
  readonly orphanedCount?: number;
}

/** Raw counters a bulkhead keeps; `createBulkheadState` derives the rest. */
export interface BulkheadStateInput {
  name: string;
  type: BulkheadType;
  maxConcurrent: number;
  activeCount: number;
  waitingCount: number;
  maxQueue: number;
  rejectedCount: number;
  /** Admitted calls (`totalCalls` is derived as admitted + rejected). */
  admittedCount: number;
  successfulCalls: number;
  failedCalls: number;
  lastRejectionTime: number | null;
  closed: boolean;
  queueCapacity?: number;
  poolSize?: number;
  timedOutCount?: number;
  orphanedCount?: number;
}

/** Builds a frozen `BulkheadState`, deriving `availablePermits` and `utilizationPercent`. */
export function createBulkheadState(input: BulkheadStateInput): BulkheadState {
  const availablePermits = Math.max(0, input.maxConcurrent - input.activeCount);
  const utilizationPercent =
    input.maxConcurrent > 0 ? Math.min(100, (input.activeCount / input.maxConcurrent) * 100) : 100;
  const { admittedCount, ...rest } = input;
  const totalCalls = admittedCount + input.rejectedCount;
  return Object.freeze({ ...rest, totalCalls, availablePermits, utilizationPercent });
}
