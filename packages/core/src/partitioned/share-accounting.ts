import { allocateGuaranteedPermits } from './share-allocation.js';

/** Returned by `nextGrant()` when no waiter may take a free permit. */
export const NO_GRANT = -1;

/** What the accounting needs to know about the waiters of a partition (the bulkhead's queues answer it). */
export interface WaitingView {
  /** Waiters of the partition at `index` (the last index is the unpartitioned slot). */
  waitingCount(index: number): number;
  /** Arrival number of the partition's oldest waiter (smaller is older); only read when it has waiters. */
  headSequence(index: number): number;
}

/**
 * The admission rules of a partitioned bulkhead as plain arithmetic, free of queues and promises.
 * Slots `0..n-1` are the named partitions, slot `n` the calls without a partition (guaranteed nothing).
 *
 * - A permit is only ever taken while `total < limit` (checked and taken in one synchronous step, so
 *   no interleaving can over-admit, unlike check-then-increment limiters).
 * - A free permit goes first to a partition with waiters that holds fewer than its guaranteed permits
 *   (the largest deficit first, ties to the oldest waiter), then to the oldest waiter of any named
 *   partition (borrowing idle capacity), and last to a call without a partition (spare capacity only).
 */
export class ShareAccounting {
  readonly #shares: readonly number[];
  readonly #active: number[];
  #guaranteed: number[];
  #limit: number;
  #total = 0;

  constructor(limit: number, shares: readonly number[]) {
    this.#shares = shares;
    this.#limit = limit;
    this.#guaranteed = [...allocateGuaranteedPermits(limit, shares), 0];
    this.#active = new Array<number>(shares.length + 1).fill(0);
  }

  /** Number of named partitions; also the slot index of calls without a partition. */
  get unpartitioned(): number {
    return this.#shares.length;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Permits held now, over all slots. */
  get total(): number {
    return this.#total;
  }

  /** True while a permit is free. */
  get hasRoom(): boolean {
    return this.#total < this.#limit;
  }

  /** Permits held by `index`. */
  active(index: number): number {
    return this.#active[index]!;
  }

  /** Permits guaranteed to `index` at the current limit. */
  guaranteed(index: number): number {
    return this.#guaranteed[index]!;
  }

  /** Permits `index` holds beyond its guarantee (borrowed from idle partitions or spare capacity). */
  borrowed(index: number): number {
    return Math.max(0, this.#active[index]! - this.#guaranteed[index]!);
  }

  /**
   * Takes a permit for `index`; returns false (and takes nothing) when none is free. The only way in.
   */
  take(index: number): boolean {
    if (this.#total >= this.#limit) return false;
    this.#active[index]!++;
    this.#total++;
    return true;
  }

  /** Gives back a permit held by `index`. */
  give(index: number): void {
    this.#active[index]!--;
    this.#total--;
  }

  /**
   * Changes the limit and recomputes the guarantees; permits above a smaller limit are kept (never
   * cancelled) and simply not handed out again until `total < limit`.
   * @throws {RangeError} when more partitions have a share > 0 than `limit` permits.
   */
  resize(limit: number): void {
    this.#guaranteed = [...allocateGuaranteedPermits(limit, this.#shares), 0];
    this.#limit = limit;
  }

  /** The slot whose waiter should receive a free permit now, or `NO_GRANT` (no room or no waiter). */
  nextGrant(waiting: WaitingView): number {
    if (this.#total >= this.#limit) return NO_GRANT;
    const named = this.#shares.length;
    // One named partition with waiters (the usual case) takes the permit whatever its deficit: arrival
    // numbers only break ties between partitions, so they are read only when two or more have waiters.
    let only = NO_GRANT;
    for (let index = 0; index < named; index++) {
      if (waiting.waitingCount(index) === 0) continue;
      if (only !== NO_GRANT) return this.#contested(waiting);
      only = index;
    }
    if (only !== NO_GRANT) return only;
    return waiting.waitingCount(named) > 0 ? named : NO_GRANT;
  }

  /** `nextGrant` when several named partitions have waiters. */
  #contested(waiting: WaitingView): number {
    const named = this.#shares.length;
    let deficitSlot = NO_GRANT;
    let largestDeficit = 0;
    let deficitSequence = Number.POSITIVE_INFINITY;
    let oldestSlot = NO_GRANT;
    let oldestSequence = Number.POSITIVE_INFINITY;
    for (let index = 0; index < named; index++) {
      if (waiting.waitingCount(index) === 0) continue;
      const deficit = this.#guaranteed[index]! - this.#active[index]!;
      const sequence = waiting.headSequence(index);
      if (
        deficit > largestDeficit ||
        (deficit > 0 && deficit === largestDeficit && sequence < deficitSequence)
      ) {
        largestDeficit = deficit;
        deficitSlot = index;
        deficitSequence = sequence;
      }
      if (sequence < oldestSequence) {
        oldestSequence = sequence;
        oldestSlot = index;
      }
    }
    return deficitSlot !== NO_GRANT ? deficitSlot : oldestSlot;
  }
}
