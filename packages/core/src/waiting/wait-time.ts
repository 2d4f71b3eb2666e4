import type { BulkheadEventEmitter } from '../events.js';
import { now } from '../internal/clock.js';

/**
 * The wait time events report for a call that began waiting at `start` (ms from `performance.now()`; -1:
 * not measured): 0 while nobody listens, so an unobserved bulkhead reads no clock.
 */
export function reportedWaitTime(start: number, events: BulkheadEventEmitter): number {
  return start >= 0 && events.listening ? now() - start : 0;
}

/** Milliseconds since `start` (from `performance.now()`), or 0 when `start` was not measured (-1). */
export function elapsedSince(start: number): number {
  return start >= 0 ? now() - start : 0;
}
