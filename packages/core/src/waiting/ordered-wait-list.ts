import { PRIORITY_LEVELS, type QueueOrder, STARVATION_INTERVAL } from './queue-policy.js';
import type { WaitEntry } from './wait-entry.js';
import { WaitList, type WaitListOptions } from './wait-list.js';

/** What an `OrderedWaitList` queues: a `WaitEntry` with its arrival number. */
export interface SequencedEntry extends WaitEntry {
  /** Arrival number: smaller is older (orders waiters across levels); entries are enqueued in growing order. */
  readonly sequence: number;
}

/**
 * The waiters of one queue with priorities and a queue order: one `WaitList` per priority level (deadlines
 * and aborts stay there), served highest level first, FIFO (oldest first) or LIFO (newest first) within a
 * level, and every `STARVATION_INTERVAL`-th admission to the oldest waiter of all. Every operation is O(1).
 * A level's list is made when a first entry waits at that level, so a queue used at one level holds one list.
 */
export class OrderedWaitList<Entry extends SequencedEntry> {
  /** Per level (index: `priorityLevel`); `undefined` until an entry first waits at that level. */
  readonly #levels: Array<WaitList<Entry> | undefined> = PRIORITY_LEVELS.map(() => undefined);
  readonly #options: WaitListOptions<Entry>;
  readonly #lifo: boolean;
  #admissions = 0;
  #size = 0;

  /** @throws {TypeError} when a callback of `options` is not a function. */
  constructor(order: QueueOrder, options: WaitListOptions<Entry>) {
    const onExpired = options?.onExpired;
    const onAborted = options?.onAborted;
    if (typeof onExpired !== 'function' || typeof onAborted !== 'function') {
      throw new TypeError('OrderedWaitList needs onExpired and onAborted functions');
    }
    this.#options = {
      onExpired: (entry) => {
        this.#size--;
        onExpired(entry);
      },
      onAborted: (entry) => {
        this.#size--;
        onAborted(entry);
      },
    };
    this.#lifo = order === 'lifo';
  }

  /** Entries waiting now, over all levels. */
  get size(): number {
    return this.#size;
  }

  /** Queues `entry` at `level` (see `priorityLevel`) with `timeout` ms (`Infinity`: no timer). */
  enqueue(entry: Entry, level: number, timeout: number): void {
    let list = this.#levels[level];
    if (list === undefined) {
      if (!(level in this.#levels)) throw new RangeError(`level must be 0 to ${PRIORITY_LEVELS.length - 1}`);
      list = new WaitList(this.#options);
      this.#levels[level] = list;
    }
    list.enqueue(entry, timeout);
    this.#size++;
  }

  /** The entry that would be admitted next, without removing it. */
  peekNext(): Entry | undefined {
    if (this.#size === 0) return undefined;
    if ((this.#admissions + 1) % STARVATION_INTERVAL === 0) return this.oldest();
    const list = this.#highestWaiting()!;
    return this.#lifo ? list.peekNewest() : list.peek();
  }

  /** Removes and returns the entry to admit next (counted for the anti-starvation rule). */
  shift(): Entry | undefined {
    if (this.#size === 0) return undefined;
    this.#admissions++;
    let entry: Entry | undefined;
    if (this.#admissions % STARVATION_INTERVAL === 0) {
      entry = this.oldest()!;
      this.remove(entry);
      return entry;
    }
    const list = this.#highestWaiting()!;
    entry = this.#lifo ? list.peekNewest()! : list.peek()!;
    list.remove(entry);
    this.#size--;
    return entry;
  }

  /** The entry that arrived first, across levels. */
  oldest(): Entry | undefined {
    let oldest: Entry | undefined;
    for (const list of this.#levels) {
      const head = list?.peek();
      if (head !== undefined && (oldest === undefined || head.sequence < oldest.sequence)) oldest = head;
    }
    return oldest;
  }

  /** Removes `entry` (admitted or shed); returns false when it does not wait here. */
  remove(entry: Entry): boolean {
    const list = entry.waitList;
    if (list === undefined || !this.#levels.includes(list as WaitList<Entry>)) return false;
    (list as WaitList<Entry>).remove(entry);
    this.#size--;
    return true;
  }

  /** Removes every entry at once and returns them, oldest first. */
  detachAll(): Entry[] {
    let detached: Entry[] = [];
    let levelsWaiting = 0;
    for (const list of this.#levels) {
      if (list === undefined || list.size === 0) continue;
      detached = levelsWaiting === 0 ? list.detachAll() : detached.concat(list.detachAll());
      levelsWaiting++;
    }
    this.#size = 0;
    // One level is already oldest first (sequences grow along a list).
    return levelsWaiting > 1 ? detached.sort((left, right) => left.sequence - right.sequence) : detached;
  }

  /** The list of the highest level with a waiter (`#size` > 0 guarantees one). */
  #highestWaiting(): WaitList<Entry> | undefined {
    const levels = this.#levels;
    for (let level = levels.length - 1; level >= 0; level--) {
      const list = levels[level];
      if (list !== undefined && list.size > 0) return list;
    }
    return undefined;
  }
}
