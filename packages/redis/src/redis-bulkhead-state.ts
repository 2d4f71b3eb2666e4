import type { BulkheadState } from '@x/bulkhead-core';

/** The cluster's numbers as last read from Redis. */
export interface RedisClusterState {
  readonly maxConcurrent: number;
  readonly activeCount: number;
  readonly waitingCount: number;
  /** Rejections counted in Redis over every process (immediate verdicts, timeouts and aborts of waiters). */
  readonly rejectedCount: number;
  /** Epoch milliseconds of the read, or `null` before the first answer from Redis. */
  readonly readAt: number | null;
}

/**
 * `getState()` of a `RedisBulkhead`: `maxConcurrent`, `activeCount`, `waitingCount` and `maxQueue` are the last known
 * cluster values; the call counts (`rejectedCount`, `totalCalls`, ...) are this process's own.
 */
export interface RedisBulkheadState extends BulkheadState {
  readonly cluster: RedisClusterState;
  /** Calls of this process holding a permit, and waiting. */
  readonly local: { readonly activeCount: number; readonly waitingCount: number };
  /** `cluster` while Redis answers, `unavailable` while the `onUnavailable` mode applies. */
  readonly mode: 'cluster' | 'unavailable';
  /** Calls of this process whose lease was lost while they ran. */
  readonly leaseLostCount: number;
  /** Switches into the `unavailable` mode, and back. */
  readonly unavailableSwitches: number;
  readonly recoveries: number;
}
