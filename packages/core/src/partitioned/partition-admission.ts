import { AdmissionLedger, type AdmissionSubject } from '../admission-ledger.js';
import type { CallOutcome, ExecutionContext, ProtectedFunction } from '../bulkhead.js';
import { BulkheadEventEmitter, type EventLabel } from '../events.js';
import { now } from '../internal/clock.js';
import { IdleWaiters } from '../internal/idle-waiters.js';
import { type PreboundReleases, prebindReleases, runReleasing } from '../internal/prebound-releases.js';
import { runWithPermit } from '../internal/run-with-permit.js';
import { type SlotOwner, SlotPermit } from '../internal/slot-permit.js';
import type { Permit } from '../permit.js';
import { CallContext } from '../protected-call.js';
import type { QueueFullPolicy } from '../waiting/queue-policy.js';
import { QueuedCall } from '../waiting/queued-call.js';
import { reportedWaitTime } from '../waiting/wait-time.js';
import { PartitionQueues, type Slot } from './partition-queues.js';
import type { ResolvedPartitionedOptions } from './partitioned-options.js';
import { NO_GRANT, ShareAccounting } from './share-accounting.js';

/**
 * The admission machinery of a `PartitionedBulkhead` (its options already validated): the share accounting,
 * the queues, the per-slot counters, and the grant loop. It is the owner its permits give slots back to.
 */
export class PartitionAdmission implements SlotOwner<Slot> {
  readonly name: string;
  readonly accounting: ShareAccounting;
  readonly queues: PartitionQueues;
  readonly ledger: AdmissionLedger;
  readonly events = new BulkheadEventEmitter();
  readonly maxQueue: number;
  readonly partitionMaxQueues: readonly number[];
  /** Per slot, what its events carry: `{ partition }` (`undefined` for calls without a partition). */
  readonly labels: ReadonlyArray<EventLabel | undefined>;
  /** Per slot: rejected calls, admitted calls, and admitted calls that ended in success / otherwise. */
  readonly rejected: number[];
  readonly admitted: number[];
  readonly successful: number[];
  readonly failed: number[];
  closed = false;
  readonly #onQueueFull: QueueFullPolicy;
  readonly #releases: readonly PreboundReleases[];
  readonly #idle = new IdleWaiters();
  /** True while `grantWaiters` runs: a re-entrant call (from a listener) leaves the work to the running loop. */
  #granting = false;

  constructor(subject: AdmissionSubject, resolved: ResolvedPartitionedOptions) {
    this.name = subject.name;
    this.accounting = new ShareAccounting(resolved.maxConcurrent, resolved.shares);
    const slotCount = resolved.names.length + 1;
    this.queues = new PartitionQueues(slotCount, resolved.queueOrder, {
      onExpired: (call) => {
        call.reject(this.#full(call.home, 'queue_timeout', reportedWaitTime(call.enqueuedAt, this.events)));
      },
      onAborted: (call) => {
        this.rejected[call.home]!++;
        const waitTime = reportedWaitTime(call.enqueuedAt, this.events);
        call.reject(this.ledger.aborted(call.signal!, waitTime, this.labels[call.home]));
      },
    });
    this.maxQueue = resolved.maxQueue;
    this.partitionMaxQueues = resolved.partitionMaxQueues;
    this.#onQueueFull = resolved.onQueueFull;
    this.labels = [...resolved.names.map((partition) => ({ partition })), undefined];
    this.rejected = new Array<number>(slotCount).fill(0);
    this.admitted = new Array<number>(slotCount).fill(0);
    this.successful = new Array<number>(slotCount).fill(0);
    this.failed = new Array<number>(slotCount).fill(0);
    this.#releases = Array.from({ length: slotCount }, (_, slot) => prebindReleases(this, slot));
    this.ledger = new AdmissionLedger({
      subject,
      events: this.events,
      captureStackTrace: resolved.captureStackTrace,
    });
  }

  /** True when a call may start without queueing (nothing waits, not closed) if its slot has room. */
  get open(): boolean {
    return this.queues.total === 0 && !this.closed;
  }

  /** Gives a permit back (called once per permit, by `SlotPermit` or a prebound release). */
  releaseSlot(slot: Slot, admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    this.accounting.give(slot);
    if (outcome === 'success') this.successful[slot]!++;
    else this.failed[slot]!++;
    this.ledger.finished(outcome, admittedAt, waitTime, this.labels[slot]);
    if (this.queues.total > 0) this.grantWaiters();
    if (this.accounting.total === 0 && this.#idle.pending) this.#idle.settle();
  }

  /** Counts an admission to `slot` (which holds the permit already) and makes its Permit. */
  grant(slot: Slot, waitTime: number): Permit {
    const admittedAt = this.events.listeningFinished ? now() : -1;
    this.admitted[slot]!++;
    this.ledger.permitted(waitTime, this.labels[slot]);
    return new SlotPermit(this, slot, admittedAt, waitTime);
  }

  /** Runs an admitted call; without a `finished` listener no Permit is made (prebound per-slot releases). */
  start(slot: Slot, task: ProtectedFunction<unknown>, context: ExecutionContext): Promise<unknown> {
    if (this.events.listeningFinished) return runWithPermit(task, context, this.grant(slot, 0));
    this.admitted[slot]!++;
    this.ledger.permitted(0, this.labels[slot]);
    return runReleasing(task, context, this.#releases[slot]!);
  }

  /**
   * Admits a call that could not start at once, rejects it, or queues it (options validated, not closed,
   * `task` undefined: an `acquire()`).
   */
  admitOrQueue(
    slot: Slot,
    timeout: number | undefined,
    signal: AbortSignal | undefined,
    level: number,
    task: ProtectedFunction<unknown> | undefined,
  ): Promise<unknown> {
    // Check and take in one synchronous step: no interleaving can over-admit.
    if (this.queues.total === 0 && this.accounting.take(slot)) {
      if (task === undefined) return Promise.resolve(this.grant(slot, 0));
      return this.start(slot, task, new CallContext(signal));
    }
    if (timeout === undefined || timeout === 0) return Promise.reject(this.#full(slot, 'queue_full', 0));
    if (
      this.queues.total >= this.maxQueue ||
      this.queues.waitingCount(slot) >= this.partitionMaxQueues[slot]!
    ) {
      // drop-oldest sheds the partition's own oldest waiter, never another partition's.
      const oldest = this.#onQueueFull === 'drop-oldest' ? this.queues.removeOldest(slot) : undefined;
      if (oldest === undefined) return Promise.reject(this.#full(slot, 'queue_full', 0));
      this.rejected[slot]!++;
      const waitTime = reportedWaitTime(oldest.enqueuedAt, this.events);
      oldest.reject(this.ledger.full('dropped', waitTime, this.labels[slot]));
    }
    const start = timeout !== Number.POSITIVE_INFINITY || this.events.listening ? now() : -1;
    const call = new QueuedCall(slot, this.queues.nextSequence(), start, signal, timeout);
    this.queues.enqueue(call, level);
    if (task === undefined) return call.promise;
    call.task = task;
    // Registered now, in the caller's async context, so the task later runs in that context too.
    return call.promise.then(this.#runAdmitted as (value: unknown) => Promise<unknown>);
  }

  /** Counts a rejection of `slot` (`tryAcquire()` said no). */
  countRejection(slot: Slot, reason: 'queue_full' | 'shutdown'): void {
    this.rejected[slot]!++;
    this.ledger.rejected(reason, 0, this.labels[slot]);
  }

  /** Rejects the call of `slot` before it could wait: aborted already, or closed. */
  refuse(slot: Slot, signal: AbortSignal | undefined): Promise<never> {
    this.rejected[slot]!++;
    if (signal?.aborted) return Promise.reject(this.ledger.aborted(signal, 0, this.labels[slot]));
    return Promise.reject(this.ledger.closed(0, this.labels[slot]));
  }

  /** Rejects every waiter (`BulkheadClosedError`); resolves once every permit came back. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      // Every waiter leaves first; only then are they settled, so nothing a rejection listener does can admit one.
      for (const call of this.queues.detachAll()) {
        this.rejected[call.home]!++;
        const waitTime = reportedWaitTime(call.enqueuedAt, this.events);
        call.reject(this.ledger.closed(waitTime, this.labels[call.home]));
      }
    }
    return this.#idle.whenIdle(this.accounting.total === 0);
  }

  /** Hands free permits to waiters by the share rules (see `ShareAccounting.nextGrant`). */
  grantWaiters(): void {
    if (this.closed || this.#granting) return;
    this.#granting = true;
    try {
      this.#grantEach();
    } finally {
      this.#granting = false;
    }
  }

  #grantEach(): void {
    const { accounting, queues } = this;
    for (
      let slot = accounting.nextGrant(queues);
      slot !== NO_GRANT && !this.closed;
      slot = accounting.nextGrant(queues)
    ) {
      const call = queues.shift(slot);
      accounting.take(slot);
      const waitTime = reportedWaitTime(call.enqueuedAt, this.events);
      if (call.task === undefined) call.resolve(this.grant(slot, waitTime));
      else {
        this.admitted[slot]!++;
        this.ledger.permitted(waitTime, this.labels[slot]);
        call.admittedAt = this.events.listeningFinished ? now() : -1;
        call.waitTime = waitTime;
        call.resolve(call);
      }
    }
  }

  /** Runs the task of an admitted queued `execute()` call (a reaction registered when it was queued). */
  readonly #runAdmitted = (call: QueuedCall<Slot>): Promise<unknown> => {
    const context = new CallContext(call.signal);
    if (call.admittedAt < 0) return runReleasing(call.task!, context, this.#releases[call.home]!);
    return runWithPermit(
      call.task!,
      context,
      new SlotPermit(this, call.home, call.admittedAt, call.waitTime),
    );
  };

  #full(slot: Slot, reason: 'queue_full' | 'queue_timeout', waitTime: number): Error {
    this.rejected[slot]!++;
    return this.ledger.full(reason, waitTime, this.labels[slot]);
  }
}
