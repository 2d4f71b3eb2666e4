import { OrderedWaitList } from '../waiting/ordered-wait-list.js';
import type { QueueOrder } from '../waiting/queue-policy.js';
import type { QueuedCall } from '../waiting/queued-call.js';
import type { WaitListOptions } from '../waiting/wait-list.js';
import type { WaitingView } from './share-accounting.js';

/** A partition's index: `0..n-1` the named partitions in declaration order, `n` the calls without one. */
export type Slot = number;

/**
 * The waiters of a partitioned bulkhead: one ordered queue per slot, their total, and the arrival numbers
 * that order waiters across slots. It is the `WaitingView` the share accounting reads.
 */
export class PartitionQueues implements WaitingView {
  readonly #queues: ReadonlyArray<OrderedWaitList<QueuedCall<Slot>>>;
  #total = 0;
  #sequence = 0;

  /** `options` is called after an expired or aborted waiter left its queue (and the total). */
  constructor(slotCount: number, order: QueueOrder, options: WaitListOptions<QueuedCall<Slot>>) {
    const counted: WaitListOptions<QueuedCall<Slot>> = {
      onExpired: (call) => {
        this.#total--;
        options.onExpired(call);
      },
      onAborted: (call) => {
        this.#total--;
        options.onAborted(call);
      },
    };
    this.#queues = Array.from({ length: slotCount }, () => new OrderedWaitList(order, counted));
  }

  /** Calls waiting now, over all slots. */
  get total(): number {
    return this.#total;
  }

  /** Calls waiting in `slot` now. */
  waitingCount(slot: Slot): number {
    return this.#queues[slot]!.size;
  }

  /** Arrival number of the waiter `slot` admits next (only read while it has waiters). */
  headSequence(slot: Slot): number {
    return this.#queues[slot]!.peekNext()!.sequence;
  }

  /** The arrival number of the next call to wait. */
  nextSequence(): number {
    return this.#sequence++;
  }

  /** Queues `call` in its slot at priority `level` with `timeout` ms (`Infinity`: no timer). */
  enqueue(call: QueuedCall<Slot>, level: number): void {
    this.#queues[call.home]!.enqueue(call, level, call.timeout);
    this.#total++;
  }

  /** Removes and returns the waiter `slot` admits next (the slot has waiters). */
  shift(slot: Slot): QueuedCall<Slot> {
    this.#total--;
    return this.#queues[slot]!.shift()!;
  }

  /** Removes and returns the oldest waiter of `slot` (shed by `drop-oldest`), or `undefined`. */
  removeOldest(slot: Slot): QueuedCall<Slot> | undefined {
    const queue = this.#queues[slot]!;
    const oldest = queue.oldest();
    if (oldest === undefined) return undefined;
    queue.remove(oldest);
    this.#total--;
    return oldest;
  }

  /** Removes every waiter at once and returns them (each slot's oldest first). */
  detachAll(): Array<QueuedCall<Slot>> {
    const detached = this.#queues.flatMap((queue) => queue.detachAll());
    this.#total = 0;
    return detached;
  }
}
