import { AdmissionLedger } from '../admission-ledger.js';
import type {
  AcquireOptions,
  CallOutcome,
  ClosableBulkhead,
  ExecuteOptions,
  ExecutionContext,
  ProtectedFunction,
  ResizableBulkhead,
  SynchronousBulkhead,
} from '../bulkhead.js';
import {
  BulkheadEventEmitter,
  type BulkheadEventListener,
  type BulkheadEventName,
  type EventLabel,
} from '../events.js';
import { now } from '../internal/clock.js';
import { runWithPermit } from '../internal/run-with-permit.js';
import { type SlotOwner, SlotPermit } from '../internal/slot-permit.js';
import {
  describe,
  validateInteger,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from '../internal/validate.js';
import type { Permit } from '../permit.js';
import { CallContext, protectFunction } from '../protected-call.js';
import { type BulkheadState, createBulkheadState } from '../state.js';
import { OrderedWaitList } from '../waiting/ordered-wait-list.js';
import { type CallPriority, priorityLevel, type QueueFullPolicy } from '../waiting/queue-policy.js';
import { QueuedCall } from '../waiting/queued-call.js';
import type { WaitListOptions } from '../waiting/wait-list.js';
import { PartitionBulkhead } from './partition-bulkhead.js';
import { type PartitionedBulkheadOptions, resolvePartitionedOptions } from './partitioned-options.js';
import type { PartitionedBulkheadState, PartitionState } from './partitioned-state.js';
import { NO_GRANT, ShareAccounting, type WaitingView } from './share-accounting.js';

/** Options of `PartitionedBulkhead.acquire()`. */
export interface PartitionedAcquireOptions<Names extends string = string> extends AcquireOptions {
  /** The partition the call belongs to; omitted: the call gets only spare capacity. */
  partition?: Names;
  /** Order among the partition's waiters (default `normal`; see `STARVATION_INTERVAL`). */
  priority?: CallPriority;
}

/** Options of `PartitionedBulkhead.execute()`. */
export interface PartitionedExecuteOptions<Names extends string = string> extends ExecuteOptions {
  /** The partition the call belongs to; omitted: the call gets only spare capacity. */
  partition?: Names;
  /** Order among the partition's waiters (default `normal`; see `STARVATION_INTERVAL`). */
  priority?: CallPriority;
}

type Slot = number;

const CALL_OPTION_KEYS = ['partition', 'timeout', 'signal', 'priority'] as const;

/** Allocation-free pre-check for the fast path; a misspelled key takes the slow path, which names it. */
function onlyKnownCallKeys(options: object): boolean {
  for (const key in options)
    if (key !== 'partition' && key !== 'timeout' && key !== 'signal' && key !== 'priority') return false;
  return true;
}

/**
 * One compartment shared by named partitions, each guaranteed a share of `maxConcurrent` whenever it has
 * demand. Idle capacity is lent to any caller; a lent permit comes back at the next release once its owner
 * waits (running work is never cancelled). Rounding: `floor(limit * share)` each, at least 1 for a share
 * > 0, the rest of `floor(limit * sum of shares)` to the largest remainders. Calls without a partition get
 * spare capacity only.
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class PartitionedBulkhead<Names extends string = string>
  implements ResizableBulkhead, ClosableBulkhead, SynchronousBulkhead
{
  readonly name: string;
  readonly type = 'partitioned' as const;
  readonly #names: readonly string[];
  readonly #slots = new Map<string, Slot>();
  readonly #maxQueue: number;
  readonly #partitionMaxQueues: readonly number[];
  readonly #accounting: ShareAccounting;
  readonly #queues: OrderedWaitList<QueuedCall<Slot>>[];
  readonly #onQueueFull: QueueFullPolicy;
  /** Per slot, what its events carry: `{ partition }` (`undefined` for calls without a partition). */
  readonly #labels: ReadonlyArray<EventLabel | undefined>;
  readonly #rejected: number[];
  /** Per slot: admitted calls, and admitted calls that ended in success / otherwise (for `partition()` views). */
  readonly #admitted: number[];
  readonly #successful: number[];
  readonly #failed: number[];
  #sequence = 0;
  /** True while `#grantWaiters` runs: a re-entrant call (from a listener) leaves the work to the running loop. */
  #granting = false;
  readonly #ledger: AdmissionLedger;
  readonly #events = new BulkheadEventEmitter();
  readonly #view: WaitingView;
  #waiting = 0;
  #closed = false;
  #idleWaiters: Array<() => void> = [];
  readonly #releaseAfterSuccess: Array<(value: unknown) => unknown>;
  readonly #releaseAfterFailure: Array<(error: unknown) => never>;
  /** What this bulkhead's permits call back (kept off the public surface). */
  readonly #owner: SlotOwner<Slot>;

  constructor(name: string, options: PartitionedBulkheadOptions<Names>) {
    this.name = validateName('name', name);
    this.#owner = {
      name: this.name,
      releaseSlot: (slot, admittedAt, waitTime, outcome) =>
        this.#release(slot, admittedAt, waitTime, outcome),
    };
    const resolved = resolvePartitionedOptions(options);
    this.#names = resolved.names;
    resolved.names.forEach((partition, slot) => {
      this.#slots.set(partition, slot);
    });
    this.#maxQueue = resolved.maxQueue;
    this.#partitionMaxQueues = resolved.partitionMaxQueues;
    this.#accounting = new ShareAccounting(resolved.maxConcurrent, resolved.shares);
    const slotCount = resolved.names.length + 1;
    const waitListOptions: WaitListOptions<QueuedCall<Slot>> = {
      onExpired: (call) => {
        this.#waiting--;
        call.reject(this.#full(call.home, 'queue_timeout', this.#waitTimeOf(call)));
      },
      onAborted: (call) => {
        this.#waiting--;
        this.#rejected[call.home]!++;
        call.reject(this.#ledger.aborted(call.signal!, this.#waitTimeOf(call), this.#labels[call.home]));
      },
    };
    this.#queues = Array.from(
      { length: slotCount },
      () => new OrderedWaitList(resolved.queueOrder, waitListOptions),
    );
    this.#onQueueFull = resolved.onQueueFull;
    this.#labels = [...resolved.names.map((partition) => ({ partition })), undefined];
    this.#rejected = new Array<number>(slotCount).fill(0);
    this.#admitted = new Array<number>(slotCount).fill(0);
    this.#successful = new Array<number>(slotCount).fill(0);
    this.#failed = new Array<number>(slotCount).fill(0);
    this.#releaseAfterSuccess = this.#queues.map((_, slot) => (value: unknown) => {
      this.#release(slot, -1, 0, 'success');
      return value;
    });
    this.#releaseAfterFailure = this.#queues.map((_, slot) => (error: unknown): never => {
      this.#release(slot, -1, 0, 'failure');
      throw error;
    });
    const queues = this.#queues;
    this.#view = {
      waitingCount: (slot) => queues[slot]!.size,
      headSequence: (slot) => queues[slot]!.peekNext()!.sequence,
    };
    this.#ledger = new AdmissionLedger({
      subject: this,
      events: this.#events,
      captureStackTrace: resolved.captureStackTrace,
    });
  }

  /** Current limit of concurrent calls over all partitions. */
  get maxConcurrent(): number {
    return this.#accounting.limit;
  }

  /** Calls holding a permit now. */
  get activeCount(): number {
    return this.#accounting.total;
  }

  /** Calls waiting now, over all partitions. */
  get waitingCount(): number {
    return this.#waiting;
  }

  /** The partition names, in declaration order. */
  get partitionNames(): readonly string[] {
    return this.#names;
  }

  /**
   * Resolves to a permit of `options.partition` (omitted: spare capacity only). Without `timeout` the
   * verdict is immediate; with one the call waits in FIFO order within its partition.
   * @throws {TypeError} (rejection) for an unknown partition name or invalid options.
   * @throws {BulkheadFullError} (rejection) `queue_full` or `queue_timeout`; {BulkheadClosedError} after `close()`.
   */
  acquire(options?: PartitionedAcquireOptions<Names>): Promise<Permit> {
    return this.#admit(options, undefined) as Promise<Permit>;
  }

  /**
   * Synchronous verdict for `options.partition`: a permit, or `undefined` (counted as a rejection).
   * @throws {TypeError} for an unknown partition name or option.
   */
  tryAcquire(options?: { partition?: Names }): Permit | undefined {
    validateOptionsObject('options', options);
    if (options !== undefined) validateKnownKeys(options, ['partition']);
    const slot = this.#slotOf(options?.partition);
    if (!this.#closed && this.#waiting === 0 && this.#accounting.take(slot)) return this.#grant(slot, 0);
    this.#countRejection(slot, this.#closed ? 'shutdown' : 'queue_full');
    return undefined;
  }

  /**
   * Runs `fn({ signal })` inside a permit of `options.partition` and always releases it.
   * @throws the same rejections as `acquire()`; errors of `fn` propagate unchanged.
   */
  execute<T>(fn: ProtectedFunction<T>, options?: PartitionedExecuteOptions<Names>): Promise<T> {
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`fn must be a function, got ${describe(fn)}`));
    }
    // Fast path (a free permit, nobody waiting, no timeout or signal): no Permit object, no option checks.
    if (this.#waiting === 0 && !this.#closed) {
      let slot: Slot | undefined;
      if (options === undefined) slot = this.#accounting.unpartitioned;
      else if (
        typeof options === 'object' &&
        options !== null &&
        options.timeout === undefined &&
        options.signal === undefined &&
        onlyKnownCallKeys(options)
      ) {
        const partition = options.partition;
        slot = partition === undefined ? this.#accounting.unpartitioned : this.#slots.get(partition);
      }
      if (slot !== undefined && this.#accounting.take(slot)) {
        return this.#start(slot, fn, new CallContext()) as Promise<T>;
      }
    }
    return this.#admit(options, fn) as Promise<T>;
  }

  /**
   * Returns `fn` protected by this bulkhead (each call goes through `execute` with `options`).
   * @throws {TypeError} when `fn` is not a function.
   */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: PartitionedExecuteOptions<Names>,
  ): (...args: Arguments) => Promise<T> {
    return protectFunction(this, fn, options);
  }

  /**
   * The `Bulkhead` of one partition (for registries, policies, the decorator, the HTTP guard): its calls are
   * this bulkhead's calls with `partition` set; its state is the partition's.
   * @throws {TypeError} for an unknown partition name.
   */
  partition(partition: Names): PartitionBulkhead {
    const slot = this.#slotOf(partition);
    return new PartitionBulkhead({
      partitioned: this as PartitionedBulkhead,
      partition,
      state: (name) => this.#viewState(name, slot),
    });
  }

  /**
   * Changes the limit and recomputes the guarantees. Growing admits waiters at once; shrinking never
   * cancels running work: no permit is handed out until `activeCount` < the new limit.
   * @throws {TypeError | RangeError} unless an integer >= 1 and >= the number of partitions with a share > 0.
   */
  resize(maxConcurrent: number): void {
    this.#accounting.resize(validateInteger('maxConcurrent', maxConcurrent, 1));
    this.#grantWaiters();
  }

  /**
   * Stops admitting: every queued and later call rejects with `BulkheadClosedError` (reason `shutdown`).
   * Resolves once every permit was released. Idempotent.
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      // Every waiter leaves first; only then are they settled, so nothing a rejection listener does can admit one.
      const detached = this.#queues.flatMap((queue) => queue.detachAll());
      this.#waiting = 0;
      for (const call of detached) {
        this.#rejected[call.home]!++;
        call.reject(this.#ledger.closed(this.#waitTimeOf(call), this.#labels[call.home]));
      }
    }
    if (this.#accounting.total === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A frozen snapshot, with the counters of each partition. */
  getState(): PartitionedBulkheadState {
    const partitions: Record<string, PartitionState> = {};
    this.#names.forEach((partition, slot) => {
      partitions[partition] = this.#partitionState(slot);
    });
    const base = createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: this.#accounting.limit,
      activeCount: this.#accounting.total,
      waitingCount: this.#waiting,
      maxQueue: this.#maxQueue,
      ...this.#ledger.stateCounts(),
      closed: this.#closed,
    });
    return Object.freeze({
      ...base,
      type: this.type,
      partitions: Object.freeze(partitions),
      unpartitioned: this.#partitionState(this.#accounting.unpartitioned),
    });
  }

  /**
   * Subscribes to `permitted`, `rejected` or `finished`; returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#events.on(event, listener);
  }

  /** Gives a permit back (called once per permit by `SlotPermit`). */
  #release(slot: Slot, admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    this.#accounting.give(slot);
    if (outcome === 'success') this.#successful[slot]!++;
    else this.#failed[slot]!++;
    this.#ledger.finished(outcome, admittedAt, waitTime, this.#labels[slot]);
    if (this.#waiting > 0) this.#grantWaiters();
    if (this.#accounting.total === 0 && this.#idleWaiters.length > 0) {
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  #partitionState(slot: Slot): PartitionState {
    return Object.freeze({
      guaranteed: this.#accounting.guaranteed(slot),
      active: this.#accounting.active(slot),
      waiting: this.#queues[slot]!.size,
      rejected: this.#rejected[slot]!,
      borrowed: this.#accounting.borrowed(slot),
    });
  }

  #viewState(name: string, slot: Slot): BulkheadState {
    return createBulkheadState({
      name,
      type: this.type,
      maxConcurrent: this.#accounting.limit,
      activeCount: this.#accounting.active(slot),
      waitingCount: this.#queues[slot]!.size,
      maxQueue: Math.min(this.#maxQueue, this.#partitionMaxQueues[slot]!),
      rejectedCount: this.#rejected[slot]!,
      admittedCount: this.#admitted[slot]!,
      successfulCalls: this.#successful[slot]!,
      failedCalls: this.#failed[slot]!,
      lastRejectionTime: null,
      closed: this.#closed,
    });
  }

  #slotOf(partition: unknown): Slot {
    if (partition === undefined) return this.#accounting.unpartitioned;
    const slot = typeof partition === 'string' ? this.#slots.get(partition) : undefined;
    if (slot === undefined) {
      throw new TypeError(
        `options.partition must be one of ${this.#names.join(', ')}, got ${describe(partition)}`,
      );
    }
    return slot;
  }

  #admit(
    options: PartitionedAcquireOptions<Names> | undefined,
    task: ProtectedFunction<unknown> | undefined,
  ): Promise<unknown> {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    let slot: Slot;
    let level = 1;
    try {
      validateOptionsObject('options', options);
      if (options !== undefined && !onlyKnownCallKeys(options)) validateKnownKeys(options, CALL_OPTION_KEYS);
      slot = this.#slotOf(options?.partition);
      if (options?.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
      if (options?.signal !== undefined) signal = validateSignal('signal', options.signal);
      level = priorityLevel(options?.priority);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) {
      this.#rejected[slot]!++;
      return Promise.reject(this.#ledger.aborted(signal, 0, this.#labels[slot]));
    }
    if (this.#closed) {
      this.#rejected[slot]!++;
      return Promise.reject(this.#ledger.closed(0, this.#labels[slot]));
    }
    // Check and take in one synchronous step: no interleaving can over-admit.
    if (this.#waiting === 0 && this.#accounting.take(slot)) {
      if (task === undefined) return Promise.resolve(this.#grant(slot, 0));
      return this.#start(slot, task, new CallContext(signal));
    }
    if (timeout === undefined || timeout === 0) return Promise.reject(this.#full(slot, 'queue_full', 0));
    const queue = this.#queues[slot]!;
    if (this.#waiting >= this.#maxQueue || queue.size >= this.#partitionMaxQueues[slot]!) {
      // drop-oldest sheds the partition's own oldest waiter, never another partition's.
      const oldest = this.#onQueueFull === 'drop-oldest' ? queue.oldest() : undefined;
      if (oldest === undefined) return Promise.reject(this.#full(slot, 'queue_full', 0));
      queue.remove(oldest);
      this.#waiting--;
      this.#rejected[slot]!++;
      oldest.reject(this.#ledger.full('dropped', this.#waitTimeOf(oldest), this.#labels[slot]));
    }
    const start = timeout !== Number.POSITIVE_INFINITY || this.#events.listening ? now() : -1;
    const call = new QueuedCall(slot, this.#sequence++, start, signal);
    call.timeout = timeout;
    queue.enqueue(call, level, timeout);
    this.#waiting++;
    if (task === undefined) return call.promise;
    call.task = task;
    // Registered now, in the caller's async context, so the task later runs in that context too.
    return call.promise.then(this.#runAdmitted as (value: unknown) => Promise<unknown>);
  }

  /** Runs an admitted call; without a `finished` listener no Permit is made (prebound per-slot releases). */
  #start(slot: Slot, task: ProtectedFunction<unknown>, context: ExecutionContext): Promise<unknown> {
    if (this.#events.listeningFinished) return runWithPermit(task, context, this.#grant(slot, 0));
    this.#admitted[slot]!++;
    this.#ledger.permitted(0, this.#labels[slot]);
    let result: unknown;
    try {
      result = task(context);
    } catch (error) {
      result = Promise.reject(error);
    }
    return Promise.resolve(result).then(this.#releaseAfterSuccess[slot], this.#releaseAfterFailure[slot]);
  }

  /** Runs the task of an admitted queued `execute()` call (a reaction registered when it was queued). */
  readonly #runAdmitted = (call: QueuedCall<Slot>): Promise<unknown> => {
    const task = call.task!;
    const context = new CallContext(call.signal);
    if (call.admittedAt >= 0) {
      return runWithPermit(
        task,
        context,
        new SlotPermit(this.#owner, call.home, call.admittedAt, call.waitTime),
      );
    }
    let result: unknown;
    try {
      result = task(context);
    } catch (error) {
      result = Promise.reject(error);
    }
    return Promise.resolve(result).then(
      this.#releaseAfterSuccess[call.home],
      this.#releaseAfterFailure[call.home],
    );
  };

  #grant(slot: Slot, waitTime: number): Permit {
    const admittedAt = this.#events.listeningFinished ? now() : -1;
    this.#admitted[slot]!++;
    this.#ledger.permitted(waitTime, this.#labels[slot]);
    return new SlotPermit(this.#owner, slot, admittedAt, waitTime);
  }

  /** Hands free permits to waiters by the share rules (see `ShareAccounting.nextGrant`). */
  #grantWaiters(): void {
    if (this.#closed || this.#granting) return;
    this.#granting = true;
    try {
      this.#grantEach();
    } finally {
      this.#granting = false;
    }
  }

  #grantEach(): void {
    for (
      let slot = this.#accounting.nextGrant(this.#view);
      slot !== NO_GRANT && !this.#closed;
      slot = this.#accounting.nextGrant(this.#view)
    ) {
      const call = this.#queues[slot]!.shift()!;
      this.#waiting--;
      this.#accounting.take(slot);
      const waitTime = this.#waitTimeOf(call);
      if (call.task === undefined) call.resolve(this.#grant(slot, waitTime));
      else {
        this.#admitted[slot]!++;
        this.#ledger.permitted(waitTime, this.#labels[slot]);
        call.admittedAt = this.#events.listeningFinished ? now() : -1;
        call.waitTime = waitTime;
        call.resolve(call);
      }
    }
  }

  #full(slot: Slot, reason: 'queue_full' | 'queue_timeout', waitTime: number): Error {
    this.#rejected[slot]!++;
    return this.#ledger.full(reason, waitTime, this.#labels[slot]);
  }

  #countRejection(slot: Slot, reason: 'queue_full' | 'shutdown'): void {
    this.#rejected[slot]!++;
    this.#ledger.rejected(reason, 0, this.#labels[slot]);
  }

  #waitTimeOf(call: QueuedCall<Slot>): number {
    return call.enqueuedAt >= 0 && this.#events.listening ? now() - call.enqueuedAt : 0;
  }
}
