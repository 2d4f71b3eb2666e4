import { PRIORITY_LEVELS, type QueueOrder, STARVATION_INTERVAL } from './queue-policy.js';
import type { WaitEntry } from './wait-entry.js';
import { WaitList, type WaitListOptions } from './wait-list.js';

/** What an `OrderedWaitList` queues: a `WaitEntry` with its arrival number. */
export interface SequencedEntry extends WaitEntry {
  /** Arrival number: smaller is older (orders waiters across priority levels). */
  readonly sequence: number;
}

/**
 * The waiters of one queue with priorities and a queue order: one `WaitList` per priority level (deadlines
 * and aborts stay there), served highest level first, FIFO (oldest first) or LIFO (newest first) within a
 * level, and every `STARVATION_INTERVAL`-th admission to the oldest waiter of all. Every operation is O(1).
 */
export class OrderedWaitList<Entry extends SequencedEntry> {
  readonly #levels: ReadonlyArray<WaitList<Entry>>;
  readonly #lifo: boolean;
  #admissions = 0;
  #size = 0;

  /** @throws {TypeError} when a callback of `options` is not a function. */
  constructor(order: QueueOrder, options: WaitListOptions<Entry>) {
    const onExpired = options.onExpired;
    const onAborted = options.onAborted;
    if (typeof onExpired !== 'function' || typeof onAborted !== 'function') {
      throw new TypeError('OrderedWaitList needs onExpired and onAborted functions');
    }
    const counted: WaitListOptions<Entry> = {
      onExpired: (entry) => {
        this.#size--;
        onExpired(entry);
      },
      onAborted: (entry) => {
        this.#size--;
        onAborted(entry);
      },
    };
    this.#levels = PRIORITY_LEVELS.map(() => new WaitList(counted));
    this.#lifo = order === 'lifo';
  }

  /** Entries waiting now, over all levels. */
  get size(): number {
    return this.#size;
  }

  /** Queues `entry` at `level` (see `priorityLevel`) with `timeout` ms (`Infinity`: no timer). */
  enqueue(entry: Entry, level: number, timeout: number): void {
    this.#levels[level]!.enqueue(entry, timeout);
    this.#size++;
  }

  /** The entry that would be admitted next, without removing it. */
  peekNext(): Entry | undefined {
    if (this.#size === 0) return undefined;
    if ((this.#admissions + 1) % STARVATION_INTERVAL === 0) return this.oldest();
    for (let level = this.#levels.length - 1; level >= 0; level--) {
      const list = this.#levels[level]!;
      if (list.size > 0) return this.#lifo ? list.peekNewest() : list.peek();
    }
    return undefined;
  }

  /** Removes and returns the entry to admit next (counted for the anti-starvation rule). */
  shift(): Entry | undefined {
    const entry = this.peekNext();
    if (entry === undefined) return undefined;
    this.remove(entry);
    this.#admissions++;
    return entry;
  }

  /** The entry that arrived first, across levels. */
  oldest(): Entry | undefined {
    let oldest: Entry | undefined;
    for (const list of this.#levels) {
      const head = list.peek();
      if (head !== undefined && (oldest === undefined || head.sequence < oldest.sequence)) oldest = head;
    }
    return oldest;
  }

  /** Removes `entry` (admitted or shed); returns false when it does not wait here. */
  remove(entry: Entry): boolean {
    for (const list of this.#levels) {
      if (list.remove(entry)) {
        this.#size--;
        return true;
      }
    }
    return false;
  }

  /** Removes every entry at once and returns them, oldest first. */
  detachAll(): Entry[] {
    const detached = this.#levels.flatMap((list) => list.detachAll());
    this.#size = 0;
    return detached.sort((left, right) => left.sequence - right.sequence);
  }
}
