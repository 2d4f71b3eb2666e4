/**
 * Memory layout of a `SharedBulkhead` (one `SharedArrayBuffer`, viewed as Int32 and BigInt64):
 *
 * | Int32 index | field |
 * |---|---|
 * | 0 `LIMIT` | maxConcurrent |
 * | 1 `ACTIVE` | permits held, all threads |
 * | 2 `WAITING` | callers waiting, all threads |
 * | 3 `REJECTED` | rejections, all threads |
 * | 4 `CLOSED` | 1 once closed |
 * | 5 `SIGNAL` | bumped on every release/close; the futex word waiters sleep on |
 * | 6 `HOLDER_CAPACITY` | number of holder slots |
 * | 7 `VERSION` | layout version |
 * | 8-9 (BigInt64 index 4) | epoch ms of the last rejection, -1 for none |
 * | 10 `SLEEPERS` | threads sleeping (or about to) on `SIGNAL`; a release notifies only when > 0 |
 * | from Int32 index 16 | holder slots: pairs `[threadId + 1 (0 = free), permits held]` |
 */
export const LIMIT = 0;
export const ACTIVE = 1;
export const WAITING = 2;
export const REJECTED = 3;
export const CLOSED = 4;
export const SIGNAL = 5;
export const HOLDER_CAPACITY = 6;
export const VERSION = 7;
export const SLEEPERS = 10;
export const LAST_REJECTION_BIGINT_INDEX = 4;
export const HOLDERS_START = 16;
export const LAYOUT_VERSION = 1;

/** Bytes needed for `holderCapacity` holder slots. */
export function byteLengthFor(holderCapacity: number): number {
  return (HOLDERS_START + holderCapacity * 2) * Int32Array.BYTES_PER_ELEMENT;
}

/** Int32 index of the thread-id field of holder slot `slot` (its count follows it). */
export function holderIndex(slot: number): number {
  return HOLDERS_START + slot * 2;
}
