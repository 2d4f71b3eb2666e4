import { DeadlineScheduler } from '../internal/deadline-scheduler.js';
import { installAbortHandler, type WaitEntry } from './wait-entry.js';

/** What a `WaitList` calls back; both run after the entry left the list (and its timer and abort listener). */
export interface WaitListOptions<Entry extends WaitEntry> {
  /** The entry waited its whole timeout: settle it (typically with a `queue_timeout` rejection). Must not throw. */
  readonly onExpired: (entry: Entry) => void;
  /** The entry's signal aborted while it waited: settle it (typically with `signal.reason`). Must not throw. */
  readonly onAborted: (entry: Entry) => void;
}

/**
 * The waiting machinery every kind of bulkhead shares: an intrusive FIFO queue (enqueue, dequeue and
 * removal from the middle are O(1), no allocation beyond the entry), per-entry deadlines with at most one
 * timer per list, and abort handling. The owner decides admission; the list tells it when a waiter gave up.
 */
export class WaitList<Entry extends WaitEntry> {
  #head: Entry | undefined = undefined;
  #tail: Entry | undefined = undefined;
  #size = 0;
  #scheduler: DeadlineScheduler | undefined = undefined;
  readonly #onExpired: (entry: Entry) => void;
  readonly #onAborted: (entry: Entry) => void;

  static {
    installAbortHandler((entry) => {
      const list = entry.waitList;
      if (list instanceof WaitList) list.#abort(entry);
    });
  }

  /** @throws {TypeError} when a callback is not a function. */
  constructor(options: WaitListOptions<Entry>) {
    if (typeof options?.onExpired !== 'function' || typeof options.onAborted !== 'function') {
      throw new TypeError('WaitList needs onExpired and onAborted functions');
    }
    this.#onExpired = options.onExpired;
    this.#onAborted = options.onAborted;
  }

  /** Entries waiting now. */
  get size(): number {
    return this.#size;
  }

  /** Per-timeout deadline lists held now (at most one per distinct timeout among the waiting entries). */
  get deadlineListCount(): number {
    return this.#scheduler?.listCount ?? 0;
  }

  /** The oldest entry, without removing it. */
  peek(): Entry | undefined {
    return this.#head;
  }

  /** The newest entry, without removing it. */
  peekNewest(): Entry | undefined {
    return this.#tail;
  }

  /**
   * Appends `entry` at the tail. A finite `timeout` > 0 (ms after `entry.enqueuedAt`) schedules its expiry;
   * `Infinity` waits without a timer. With `entry.signal`, aborting removes it (check `signal.aborted` before
   * enqueueing: an abort that already happened sends no event).
   * @throws {TypeError} when the entry already waits in a list.
   */
  enqueue(entry: Entry, timeout: number): void {
    if (entry.waitList !== undefined) throw new TypeError('the entry already waits in a list');
    entry.waitList = this;
    entry.next = undefined;
    entry.previous = this.#tail;
    if (this.#tail === undefined) this.#head = entry;
    else this.#tail.next = entry;
    this.#tail = entry;
    this.#size++;
    if (timeout !== Number.POSITIVE_INFINITY && timeout > 0) {
      this.#scheduler ??= new DeadlineScheduler(this.#expire as (node: unknown) => void);
      this.#scheduler.add(entry, timeout);
    }
    entry.signal?.addEventListener('abort', entry, { once: true });
  }

  /** Removes and returns the oldest entry (its timer and abort listener dropped), or `undefined`. */
  dequeue(): Entry | undefined {
    const entry = this.#head;
    if (entry !== undefined) this.#unlink(entry);
    return entry;
  }

  /** Removes `entry` wherever it waits in this list; returns false when it does not wait here. */
  remove(entry: Entry): boolean {
    if (entry.waitList !== this) return false;
    this.#unlink(entry);
    return true;
  }

  /**
   * Removes every entry at once and returns them oldest first. `close()` settles them only afterwards,
   * so nothing a settlement triggers (a listener that resizes or releases) can admit one of them.
   */
  detachAll(): Entry[] {
    const entries: Entry[] = [];
    for (let entry = this.#head; entry !== undefined; entry = entry.next as Entry | undefined) {
      entries.push(entry);
    }
    this.#scheduler?.clear();
    for (const entry of entries) this.#unlink(entry);
    return entries;
  }

  #unlink(entry: Entry): void {
    const { previous, next } = entry;
    if (previous === undefined) this.#head = next as Entry | undefined;
    else previous.next = next;
    if (next === undefined) this.#tail = previous as Entry | undefined;
    else next.previous = previous;
    entry.previous = undefined;
    entry.next = undefined;
    entry.waitList = undefined;
    this.#size--;
    if (entry.deadlineList !== undefined) this.#scheduler!.remove(entry);
    entry.signal?.removeEventListener('abort', entry);
  }

  readonly #expire = (entry: Entry): void => {
    if (entry.waitList !== this) return;
    this.#unlink(entry);
    this.#onExpired(entry);
  };

  #abort(entry: Entry): void {
    this.#unlink(entry);
    this.#onAborted(entry);
  }
}
