import { threadId } from 'node:worker_threads';
import {
  ACTIVE,
  byteLengthFor,
  CLOSED,
  HELD_OFFSET,
  HOLDER_CAPACITY,
  holderIndex,
  LAST_REJECTION_BIGINT_INDEX,
  LAYOUT_VERSION,
  LIMIT,
  REJECTED,
  SIGNAL,
  SLEEPERS,
  SLEEPING_OFFSET,
  VERSION,
  WAITING,
  WAITING_OFFSET,
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
 * the permits of a dead thread can be reclaimed; the slot also counts the thread's waiters and
 * sleepers, so a thread that dies while waiting leaves no phantom behind. A thread frees its slot
 * once it holds, waits and sleeps for nothing (short-lived threads do not use the slots up).
 * Every release bumps `SIGNAL`, the word sleepers wait on.
 */
export class SharedPermitTable {
  readonly buffer: SharedArrayBuffer;
  readonly #state: Int32Array;
  readonly #wide: BigInt64Array;
  #slot = -1;
  /** The slot this thread owned last: tried first when it needs one again. */
  #lastSlot = -1;
  /** Waiters and sleepers this instance counted while no holder slot was free (totals only). */
  #unslottedWaiting = 0;
  #unslottedSleeping = 0;
  #freeScheduled = false;

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
      if (Atomics.load(state, CLOSED) !== 0) return this.#refused(SHUT);
      const active = Atomics.load(state, ACTIVE);
      if (active >= Atomics.load(state, LIMIT)) return this.#refused(FULL);
      if (Atomics.compareExchange(state, ACTIVE, active, active + 1) === active) break;
    }
    // A thread terminated right here would lose this one permit (documented limit).
    Atomics.add(state, slot + HELD_OFFSET, 1);
    return TAKEN;
  }

  /** A refusal leaves the slot counting nothing, possibly: give it back (later in this turn). */
  #refused(verdict: typeof FULL | typeof SHUT): TakeResult {
    this.#scheduleFree();
    return verdict;
  }

  /** Gives back one permit taken through holder slot `slot`, unless it was reclaimed meanwhile. */
  give(slot: number): void {
    const state = this.#state;
    if (Atomics.load(state, slot) === OWNER) {
      for (;;) {
        const held = Atomics.load(state, slot + HELD_OFFSET);
        if (held <= 0) break; // reclaimed: nothing left to give back
        if (Atomics.compareExchange(state, slot + HELD_OFFSET, held, held - 1) === held) {
          Atomics.sub(state, ACTIVE, 1);
          break;
        }
      }
      this.#scheduleFree();
    }
    this.wake();
  }

  /** Frees the permits, waiters and sleepers counted for thread `exitedThreadId`; returns the permits. */
  reclaim(exitedThreadId: number): number {
    const state = this.#state;
    const owner = exitedThreadId + 1;
    const capacity = Atomics.load(state, HOLDER_CAPACITY);
    let reclaimed = 0;
    let waiting = 0;
    let sleeping = 0;
    for (let slot = 0; slot < capacity; slot++) {
      const index = holderIndex(slot);
      if (Atomics.load(state, index) !== owner) continue;
      // Zero the counts first: a late release by that thread then finds nothing to give back.
      reclaimed += Atomics.exchange(state, index + HELD_OFFSET, 0);
      waiting += Atomics.exchange(state, index + WAITING_OFFSET, 0);
      sleeping += Atomics.exchange(state, index + SLEEPING_OFFSET, 0);
      Atomics.store(state, index, 0);
    }
    if (reclaimed > 0) Atomics.sub(state, ACTIVE, reclaimed);
    if (waiting > 0) Atomics.sub(state, WAITING, waiting);
    if (sleeping > 0) Atomics.sub(state, SLEEPERS, sleeping);
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

  /** Adds `delta` to the shared count of waiting callers (counted in this thread's holder slot). */
  addWaiting(delta: number): void {
    Atomics.add(this.#state, WAITING, delta);
    this.#count(WAITING_OFFSET, delta);
  }

  /** Registers (+1) or unregisters (-1) a sleeper; register before sleeping, so no wake-up is lost. */
  addSleeper(delta: number): void {
    Atomics.add(this.#state, SLEEPERS, delta);
    this.#count(SLEEPING_OFFSET, delta);
  }

  /** Per-thread mirror of a total in the holder slot, so `reclaim()` can take it back out. */
  #count(offset: typeof WAITING_OFFSET | typeof SLEEPING_OFFSET, delta: number): void {
    const unslotted = offset === WAITING_OFFSET ? this.#unslottedWaiting : this.#unslottedSleeping;
    if (delta < 0 && unslotted > 0) {
      this.#addUnslotted(offset, delta);
      return;
    }
    const slot = this.#holderSlot();
    if (slot < 0) {
      this.#addUnslotted(offset, delta);
      return;
    }
    Atomics.add(this.#state, slot + offset, delta);
    if (delta < 0) this.#scheduleFree();
  }

  #addUnslotted(offset: number, delta: number): void {
    if (offset === WAITING_OFFSET) this.#unslottedWaiting += delta;
    else this.#unslottedSleeping += delta;
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

  /** Index of this thread's holder slot, claimed when needed; -1 when all are taken. */
  #holderSlot(): number {
    const state = this.#state;
    if (this.#slot >= 0 && Atomics.load(state, this.#slot) === OWNER) return this.#slot;
    // The slot owned last is usually still free: claim it again without a scan.
    const last = this.#lastSlot;
    if (last >= 0 && Atomics.compareExchange(state, last, 0, OWNER) === 0) {
      this.#slot = last;
      return last;
    }
    const capacity = Atomics.load(state, HOLDER_CAPACITY);
    for (let slot = 0; slot < capacity; slot++) {
      const index = holderIndex(slot);
      if (Atomics.load(state, index) === OWNER) return this.#own(index);
    }
    for (let slot = 0; slot < capacity; slot++) {
      const index = holderIndex(slot);
      if (Atomics.compareExchange(state, index, 0, OWNER) === 0) return this.#own(index);
    }
    return -1;
  }

  #own(index: number): number {
    this.#slot = index;
    this.#lastSlot = index;
    return index;
  }

  /**
   * Gives the slot back later in this event-loop turn's check phase, not at every release: a thread
   * that takes and releases in a loop keeps its slot (no claim per permit), and a thread that ends
   * naturally still runs it before it exits (a pending immediate keeps the event loop alive).
   */
  #scheduleFree(): void {
    if (this.#freeScheduled || this.#slot < 0) return;
    this.#freeScheduled = true;
    setImmediate(this.#freeSlotIfIdle);
  }

  /**
   * Gives this thread's holder slot back once it counts nothing. Only the owning thread changes a
   * live slot's counts, so reading the three cells one after the other is safe.
   */
  readonly #freeSlotIfIdle = (): void => {
    this.#freeScheduled = false;
    const state = this.#state;
    const slot = this.#slot;
    if (slot < 0) return;
    if (
      Atomics.load(state, slot + HELD_OFFSET) === 0 &&
      Atomics.load(state, slot + WAITING_OFFSET) === 0 &&
      Atomics.load(state, slot + SLEEPING_OFFSET) === 0
    ) {
      Atomics.compareExchange(state, slot, OWNER, 0);
      this.#slot = -1;
    }
  };
}
