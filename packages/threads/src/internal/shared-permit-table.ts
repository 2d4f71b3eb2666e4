import { threadId } from 'node:worker_threads';
import {
  ACTIVE,
  byteLengthFor,
  CLOSED,
  HOLDER_CAPACITY,
  holderIndex,
  LAST_REJECTION_BIGINT_INDEX,
  LAYOUT_VERSION,
  LIMIT,
  REJECTED,
  SIGNAL,
  SLEEPERS,
  VERSION,
  WAITING,
} from './shared-layout.js';

/** Outcome of `take()`. */
export const TAKEN = 0;
export const FULL = 1;
export const SHUT = 2;
/** Every holder slot belongs to another thread. */
export const NO_SLOT = 3;
export type TakeResult = typeof TAKEN | typeof FULL | typeof SHUT | typeof NO_SLOT;

/** Holder slots store `threadId + 1` so that 0 means free (the main thread's id is 0). */
const OWNER = threadId + 1;

type WaitAsync = (
  view: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const atomicsWaitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * The lock-free protocol on a `SharedBulkhead`'s memory, one instance per thread. A permit is taken
 * by a compare-and-swap on `ACTIVE` below `LIMIT`, then counted in the thread's holder slot, so
 * the permits of a dead thread can be reclaimed. Every release bumps `SIGNAL`, the word sleepers wait on.
 */
export class SharedPermitTable {
  readonly buffer: SharedArrayBuffer;
  readonly #state: Int32Array;
  readonly #wide: BigInt64Array;
  #slot = -1;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#state = new Int32Array(buffer);
    this.#wide = new BigInt64Array(buffer);
  }

  /** A new, initialised memory block. */
  static allocate(maxConcurrent: number, maxThreads: number): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(byteLengthFor(maxThreads));
    const state = new Int32Array(buffer);
    state[LIMIT] = maxConcurrent;
    state[HOLDER_CAPACITY] = maxThreads;
    state[VERSION] = LAYOUT_VERSION;
    new BigInt64Array(buffer)[LAST_REJECTION_BIGINT_INDEX] = -1n;
    return buffer;
  }

  /** True when `buffer` holds this layout version with room for its holder slots. */
  static isCompatible(buffer: SharedArrayBuffer): boolean {
    if (buffer.byteLength < byteLengthFor(0)) return false;
    const state = new Int32Array(buffer);
    return (
      state[VERSION] === LAYOUT_VERSION && buffer.byteLength >= byteLengthFor(state[HOLDER_CAPACITY] ?? 0)
    );
  }

  get limit(): number {
    return Atomics.load(this.#state, LIMIT);
  }

  get active(): number {
    return Atomics.load(this.#state, ACTIVE);
  }

  get waiting(): number {
    return Atomics.load(this.#state, WAITING);
  }

  get rejected(): number {
    return Atomics.load(this.#state, REJECTED);
  }

  get closed(): boolean {
    return Atomics.load(this.#state, CLOSED) !== 0;
  }

  get holderCapacity(): number {
    return Atomics.load(this.#state, HOLDER_CAPACITY);
  }

  /** Epoch ms of the last rejection by any thread, or `null`. */
  get lastRejectionTime(): number | null {
    const value = Atomics.load(this.#wide, LAST_REJECTION_BIGINT_INDEX);
    return value < 0n ? null : Number(value);
  }

  /** The current wake-up sequence number; read it before trying, then sleep on it. */
  get signal(): number {
    return Atomics.load(this.#state, SIGNAL);
  }

  /** This thread's holder slot index (valid after a `TAKEN`). */
  get slot(): number {
    return this.#slot;
  }

  /** Takes one permit for this thread if one is free. */
  take(): TakeResult {
    const state = this.#state;
    const slot = this.#holderSlot();
    if (slot < 0) return NO_SLOT;
    for (;;) {
      if (Atomics.load(state, CLOSED) !== 0) return SHUT;
      const active = Atomics.load(state, ACTIVE);
      if (active >= Atomics.load(state, LIMIT)) return FULL;
      if (Atomics.compareExchange(state, ACTIVE, active, active + 1) === active) break;
    }
    // A thread terminated right here would lose this one permit (documented limit).
    Atomics.add(state, slot + 1, 1);
    return TAKEN;
  }

  /** Gives back one permit taken through holder slot `slot`, unless it was reclaimed meanwhile. */
  give(slot: number): void {
    const state = this.#state;
    if (Atomics.load(state, slot) === OWNER) {
      for (;;) {
        const held = Atomics.load(state, slot + 1);
        if (held <= 0) break; // reclaimed: nothing left to give back
        if (Atomics.compareExchange(state, slot + 1, held, held - 1) === held) {
          Atomics.sub(state, ACTIVE, 1);
          break;
        }
      }
    }
    this.wake();
  }

  /** Frees the permits counted for thread `exitedThreadId`; returns how many. */
  reclaim(exitedThreadId: number): number {
    const state = this.#state;
    const owner = exitedThreadId + 1;
    const capacity = Atomics.load(state, HOLDER_CAPACITY);
    let reclaimed = 0;
    for (let slot = 0; slot < capacity; slot++) {
      const index = holderIndex(slot);
      if (Atomics.load(state, index) !== owner) continue;
      // Zero the count first: a late release by that thread then finds nothing to give back.
      reclaimed += Atomics.exchange(state, index + 1, 0);
      Atomics.store(state, index, 0);
    }
    if (reclaimed > 0) Atomics.sub(state, ACTIVE, reclaimed);
    this.wake();
    return reclaimed;
  }

  /** Marks the bulkhead closed for every thread and wakes all sleepers. */
  close(): void {
    Atomics.store(this.#state, CLOSED, 1);
    this.wake();
  }

  /** Counts a rejection (shared). */
  countRejection(): void {
    Atomics.add(this.#state, REJECTED, 1);
    Atomics.store(this.#wide, LAST_REJECTION_BIGINT_INDEX, BigInt(Date.now()));
  }

  /** Adds `delta` to the shared count of waiting callers. */
  addWaiting(delta: number): void {
    Atomics.add(this.#state, WAITING, delta);
  }

  /** Registers (+1) or unregisters (-1) a sleeper; register before sleeping, so no wake-up is lost. */
  addSleeper(delta: number): void {
    Atomics.add(this.#state, SLEEPERS, delta);
  }

  /** Blocks this thread until `SIGNAL` moves past `seen` or `timeout` ms pass (workers only). */
  sleep(seen: number, timeout: number): void {
    Atomics.wait(this.#state, SIGNAL, seen, timeout);
  }

  /** Resolves when `SIGNAL` moves past `seen`; `undefined` when it already has. */
  sleepAsync(seen: number): Promise<string> | undefined {
    const result = atomicsWaitAsync(this.#state, SIGNAL, seen);
    return result.async ? result.value : undefined;
  }

  /**
   * Bumps `SIGNAL` and wakes the sleepers, if any. Sleepers register before they sleep and the
   * sleep re-checks `SIGNAL`, so skipping the (costly) notify when none is registered loses nothing.
   */
  wake(): void {
    Atomics.add(this.#state, SIGNAL, 1);
    if (Atomics.load(this.#state, SLEEPERS) > 0) Atomics.notify(this.#state, SIGNAL);
  }

  /** Index of this thread's holder slot, claimed on first use; -1 when all are taken. */
  #holderSlot(): number {
    const state = this.#state;
    if (this.#slot >= 0 && Atomics.load(state, this.#slot) === OWNER) return this.#slot;
    const capacity = Atomics.load(state, HOLDER_CAPACITY);
    for (let slot = 0; slot < capacity; slot++) {
      const index = holderIndex(slot);
      if (Atomics.load(state, index) === OWNER) {
        this.#slot = index;
        return index;
      }
    }
    for (let slot = 0; slot < capacity; slot++) {
      const index = holderIndex(slot);
      if (Atomics.compareExchange(state, index, 0, OWNER) === 0) {
        this.#slot = index;
        return index;
      }
    }
    return -1;
  }
}
