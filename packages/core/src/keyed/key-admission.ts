import { AdmissionLedger, type AdmissionSubject } from '../admission-ledger.js';
import type { CallOutcome, ExecutionContext, ProtectedFunction } from '../bulkhead.js';
import { BulkheadEventEmitter } from '../events.js';
import { now } from '../internal/clock.js';
import { IdleWaiters } from '../internal/idle-waiters.js';
import { carriedReleases, runReleasing } from '../internal/prebound-releases.js';
import { runWithPermit } from '../internal/run-with-permit.js';
import { type SlotOwner, SlotPermit } from '../internal/slot-permit.js';
import type { Permit } from '../permit.js';
import { CallContext } from '../protected-call.js';
import { OrderedWaitList } from '../waiting/ordered-wait-list.js';
import { QueuedCall } from '../waiting/queued-call.js';
import type { WaitListOptions } from '../waiting/wait-list.js';
import { reportedWaitTime } from '../waiting/wait-time.js';
import { acquireGlobal, type ChainHost, startChained } from './global-chain.js';
import type { KeyCompartment } from './key-compartment.js';
import { KeyCompartments } from './key-compartments.js';
import type { ResolvedKeyedOptions } from './keyed-options.js';

/**
 * The admission machinery of a `KeyedBulkhead` (its options already validated): the compartments, the
 * totals over keys, each key's queue and the hand-over of a released permit to the key's next waiter.
 * It is the owner its permits give a key's permit back to.
 */
export class KeyAdmission implements SlotOwner<KeyCompartment>, ChainHost {
  readonly name: string;
  readonly options: ResolvedKeyedOptions;
  readonly compartments: KeyCompartments;
  readonly ledger: AdmissionLedger;
  readonly events = new BulkheadEventEmitter();
  /** Key permits held now, over all keys. */
  active = 0;
  /** Calls waiting for a key's permit now, over all keys. */
  waiting = 0;
  closed = false;
  readonly #waitListOptions: WaitListOptions<QueuedCall<KeyCompartment>>;
  readonly #idle = new IdleWaiters();
  #sequence = 0;

  constructor(subject: AdmissionSubject, options: ResolvedKeyedOptions) {
    this.name = subject.name;
    this.options = options;
    this.compartments = new KeyCompartments(options.maxKeys, options.idleTimeout);
    this.#waitListOptions = {
      onExpired: (call) => {
        const waitTime = reportedWaitTime(call.enqueuedAt, this.events);
        this.#rejectWaiter(call, this.ledger.full('queue_timeout', waitTime, call.home));
      },
      onAborted: (call) => {
        const waitTime = reportedWaitTime(call.enqueuedAt, this.events);
        this.#rejectWaiter(call, this.ledger.aborted(call.signal!, waitTime, call.home));
      },
    };
    this.ledger = new AdmissionLedger({
      subject,
      events: this.events,
      captureStackTrace: options.captureStackTrace,
    });
  }

  /** True when a call of `compartment` may take its key's permit at once. */
  hasRoom(compartment: KeyCompartment): boolean {
    return compartment.active < this.options.maxConcurrent && compartment.waiting === 0;
  }

  /**
   * Admits, rejects or queues a call of `key` (options validated; `task` undefined: an `acquire()`).
   */
  admit(
    key: string,
    timeout: number | undefined,
    signal: AbortSignal | undefined,
    level: number,
    task: ProtectedFunction<unknown> | undefined,
  ): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(this.ledger.aborted(signal, 0, { key }));
    if (this.closed) return Promise.reject(this.ledger.closed(0, { key }));
    const compartment = this.compartments.obtain(key);
    if (compartment === undefined) return Promise.reject(this.ledger.full('queue_full', 0, { key }));
    const timed = (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) || this.events.listening;
    if (this.hasRoom(compartment)) {
      this.take(compartment);
      const start = timed ? now() : -1;
      if (task !== undefined)
        return this.start(compartment, task, new CallContext(signal), timeout, signal, start);
      const global = this.options.global;
      if (global === undefined) return Promise.resolve(this.grant(compartment, 0, undefined));
      return acquireGlobal(this, global, compartment, start, timeout, signal);
    }
    if (timeout === undefined || timeout === 0) return this.#rejectFull(compartment);
    if (compartment.waiting >= this.options.maxQueue) {
      const oldest = this.options.onQueueFull === 'drop-oldest' ? compartment.queue?.oldest() : undefined;
      if (oldest === undefined) return this.#rejectFull(compartment);
      // drop-oldest sheds the key's own oldest waiter so the new one can wait.
      compartment.queue!.remove(oldest);
      this.waiting--;
      compartment.rejected++;
      oldest.reject(
        this.ledger.full('dropped', reportedWaitTime(oldest.enqueuedAt, this.events), compartment),
      );
    }
    const call = new QueuedCall(compartment, this.#sequence++, timed ? now() : -1, signal, timeout);
    compartment.queue ??= new OrderedWaitList(this.options.queueOrder, this.#waitListOptions);
    compartment.queue.enqueue(call, level, timeout);
    this.waiting++;
    if (task === undefined) return call.promise;
    call.task = task;
    // Registered now, in the caller's async context, so the task later runs in that context too.
    return call.promise.then(this.#runAdmitted as (value: unknown) => Promise<unknown>);
  }

  /** Takes a permit of `compartment` (which has room). */
  take(compartment: KeyCompartment): void {
    this.compartments.markBusy(compartment);
    compartment.active++;
    this.active++;
  }

  /**
   * Runs a call that holds its key's permit: alone (prebound releases, no Permit object unless somebody
   * listens to `finished`) or inside the global bulkhead's `execute()`.
   */
  start(
    compartment: KeyCompartment,
    task: ProtectedFunction<unknown>,
    context: ExecutionContext,
    timeout: number | undefined,
    signal: AbortSignal | undefined,
    start: number,
  ): Promise<unknown> {
    const global = this.options.global;
    if (global !== undefined) return startChained(this, global, compartment, task, timeout, signal, start);
    const waitTime = reportedWaitTime(start, this.events);
    if (this.events.listeningFinished) {
      return runWithPermit(task, context, this.grant(compartment, waitTime, undefined));
    }
    compartment.admitted++;
    this.ledger.permitted(waitTime, compartment);
    return runReleasing(task, context, carriedReleases(this, compartment));
  }

  /** Gives a key's permit back (called once per permit, by `SlotPermit`, a prebound release or the chain). */
  releaseSlot(compartment: KeyCompartment, admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    compartment.active--;
    this.active--;
    if (outcome === 'success') compartment.successful++;
    else compartment.failed++;
    this.ledger.finished(outcome, admittedAt, waitTime, compartment);
    this.#afterRelease(compartment);
  }

  /** Gives the key's permit back without a call having run (the global bulkhead said no). */
  giveBack(compartment: KeyCompartment): void {
    compartment.active--;
    this.active--;
    this.#afterRelease(compartment);
  }

  /** Rejects every waiter (`BulkheadClosedError`); resolves once every permit came back (then drops every key). */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      // Every waiter leaves first; only then are they settled, so nothing a rejection listener does can admit one.
      const detached: Array<QueuedCall<KeyCompartment>> = [];
      for (const [, compartment] of this.compartments.entries()) {
        if (compartment.queue !== undefined) detached.push(...compartment.queue.detachAll());
      }
      this.waiting = 0;
      for (const call of detached) {
        call.home.rejected++;
        call.reject(this.ledger.closed(reportedWaitTime(call.enqueuedAt, this.events), call.home));
      }
      this.compartments.stop();
    }
    if (this.active === 0) this.compartments.clear();
    return this.#idle.whenIdle(this.active === 0);
  }

  /** Runs a queued `execute()` call once it holds its key's permit (a reaction registered when it was queued). */
  readonly #runAdmitted = (call: QueuedCall<KeyCompartment>): Promise<unknown> =>
    this.start(
      call.home,
      call.task!,
      new CallContext(call.signal),
      call.timeout,
      call.signal,
      call.enqueuedAt,
    );

  /** Counts an admission of `compartment` (which holds the key's permit) and makes its Permit. */
  grant(compartment: KeyCompartment, waitTime: number, globalPermit: Permit | undefined): Permit {
    const admittedAt = this.events.listeningFinished ? now() : -1;
    compartment.admitted++;
    this.ledger.permitted(waitTime, compartment);
    return new SlotPermit(this, compartment, admittedAt, waitTime, globalPermit);
  }

  /** Hands the key's free permits to its waiters, or marks it idle; settles `close()` when all is done. */
  #afterRelease(compartment: KeyCompartment): void {
    while (!this.closed && compartment.active < this.options.maxConcurrent && compartment.waiting > 0) {
      const call = compartment.queue!.shift()!;
      this.waiting--;
      this.take(compartment);
      const global = this.options.global;
      if (call.task !== undefined) call.resolve(call);
      else if (global === undefined) {
        call.resolve(this.grant(compartment, reportedWaitTime(call.enqueuedAt, this.events), undefined));
      } else {
        acquireGlobal(this, global, compartment, call.enqueuedAt, call.timeout, call.signal).then(
          call.resolve,
          call.reject,
        );
      }
    }
    if (compartment.idle) this.#becameIdle(compartment);
    if (this.active === 0 && this.#idle.pending) {
      this.compartments.clear();
      this.#idle.settle();
    }
  }

  #rejectFull(compartment: KeyCompartment): Promise<never> {
    compartment.rejected++;
    return Promise.reject(this.ledger.full('queue_full', 0, compartment));
  }

  #rejectWaiter(call: QueuedCall<KeyCompartment>, error: unknown): void {
    this.waiting--;
    call.home.rejected++;
    call.reject(error);
    if (call.home.idle) this.#becameIdle(call.home);
  }

  #becameIdle(compartment: KeyCompartment): void {
    if (!this.closed) this.compartments.markIdle(compartment);
  }
}
