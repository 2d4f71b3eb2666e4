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
 * | from Int32 index 16 | holder slots of 4 cells: `[threadId + 1 (0 = free), permits held, waiting, sleeping]` |
 *
 * A holder slot counts what one thread put into the shared totals, so that the totals of a thread
 * that dies (permits, waiters, sleepers) can be taken back out; the thread frees its slot itself
 * once all three are zero.
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
export const LAYOUT_VERSION = 2;
/** Int32 cells per holder slot. */
export const HOLDER_STRIDE = 4;
/** Offsets inside a holder slot. */
export const HELD_OFFSET = 1;
export const WAITING_OFFSET = 2;
export const SLEEPING_OFFSET = 3;
/** Bounds of the options that size the memory (`LIMIT` is an Int32 cell; a slot is 16 bytes). */
export const MAX_CONCURRENT_LIMIT = 2 ** 31 - 1;
export const MAX_THREADS_LIMIT = 65_536;

/** Bytes needed for `holderCapacity` holder slots. */
export function byteLengthFor(holderCapacity: number): number {
  return (HOLDERS_START + holderCapacity * HOLDER_STRIDE) * Int32Array.BYTES_PER_ELEMENT;
}

/** Int32 index of the thread-id field of holder slot `slot` (its counts follow it). */
export function holderIndex(slot: number): number {
  return HOLDERS_START + slot * HOLDER_STRIDE;
}
