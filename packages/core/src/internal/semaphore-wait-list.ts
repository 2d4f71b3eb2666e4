import type { AdmissionLedger } from '../admission-ledger.js';
import type { BulkheadEventEmitter } from '../events.js';
import { OrderedWaitList } from '../waiting/ordered-wait-list.js';
import type { QueueFullPolicy, QueueOrder } from '../waiting/queue-policy.js';
import { reportedWaitTime } from '../waiting/wait-time.js';
import { now } from './clock.js';
import { settlementOf, type Task, Waiter } from './semaphore-waiter.js';

/** What a `SemaphoreWaitList` needs from its bulkhead. */
export interface SemaphoreWaitListOptions {
  readonly maxQueue: number;
  readonly queueOrder: QueueOrder;
  readonly onQueueFull: QueueFullPolicy;
  /** The bulkhead's ledger: records the waiters that time out, abort or are shed. */
  readonly ledger: AdmissionLedger;
  /** The bulkhead's events: wait times are measured only while somebody listens. */
  readonly events: BulkheadEventEmitter;
}

/**
 * The waiters of a `SemaphoreBulkhead`: core's `OrderedWaitList` (priority levels, queue order, starvation
 * rule, deadlines, aborts) with the bulkhead's bound, its `onQueueFull` shedding, and the settlement of the
 * waiters that time out, abort or are shed. Admitting them stays with the bulkhead.
 */
export class SemaphoreWaitList extends OrderedWaitList<Waiter> {
  readonly #maxQueue: number;
  /** Order of waiters within a priority level. */
  readonly queueOrder: QueueOrder;
  /** What a new waiter past a full queue does. */
  readonly onQueueFull: QueueFullPolicy;
  readonly #dropOldest: boolean;
  readonly #ledger: AdmissionLedger;
  readonly #events: BulkheadEventEmitter;
  /** Arrival number of the next waiter. */
  #sequence = 0;

  constructor(options: SemaphoreWaitListOptions) {
    const { ledger, events } = options;
    super(options.queueOrder, {
      onExpired: (waiter) =>
        waiter.refuse(ledger.full('queue_timeout', reportedWaitTime(waiter.enqueuedAt, events))),
      onAborted: (waiter) =>
        waiter.refuse(ledger.aborted(waiter.signal!, reportedWaitTime(waiter.enqueuedAt, events))),
    });
    this.#maxQueue = options.maxQueue;
    this.queueOrder = options.queueOrder;
    this.onQueueFull = options.onQueueFull;
    this.#dropOldest = options.onQueueFull === 'drop-oldest';
    this.#ledger = ledger;
    this.#events = events;
  }

  /**
   * Queues a call at priority `level` for up to `timeout` ms (> 0; `Infinity`: no timer) and returns the
   * promise its admission or refusal settles; `undefined` when the queue is full and nothing can be shed.
   * A shed waiter is refused only once the new one waits, so whatever its `rejected` listener does (release,
   * resize, close) finds the queue whole.
   */
  wait(
    timeout: number,
    signal: AbortSignal | undefined,
    task: Task | undefined,
    level: number,
  ): Promise<unknown> | undefined {
    let dropped: Waiter | undefined;
    if (this.size >= this.#maxQueue) {
      // With `maxQueue: 0` nobody waits, so there is nobody to shed.
      dropped = this.#dropOldest ? this.oldest() : undefined;
      if (dropped === undefined) return undefined;
      this.remove(dropped);
    }
    const start = timeout !== Number.POSITIVE_INFINITY || this.#events.listening ? now() : -1;
    const waiter = new Waiter(signal, start, task, this.#sequence++);
    const promise = settlementOf(waiter);
    this.enqueue(waiter, level, timeout);
    if (dropped !== undefined) dropped.refuse(this.#ledger.full('dropped', this.waitTimeOf(dropped)));
    return promise;
  }

  /**
   * Refuses every waiter with `BulkheadClosedError`, oldest first. All leave the queue before the first is
   * settled (and its `rejected` event sent), so nothing a listener does can admit one of them.
   */
  refuseAll(): void {
    for (const waiter of this.detachAll()) waiter.refuse(this.#ledger.closed(this.waitTimeOf(waiter)));
  }

  /** How long `waiter` has waited (ms; 0 when not measured or nobody listens). */
  waitTimeOf(waiter: Waiter): number {
    return reportedWaitTime(waiter.enqueuedAt, this.#events);
  }
}
