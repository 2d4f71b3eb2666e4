import type {
  ClosableBulkhead,
  ProtectedFunction,
  ResizableBulkhead,
  SynchronousBulkhead,
} from '../bulkhead.js';
import type { BulkheadEventListener, BulkheadEventName } from '../events.js';
import { CallOptionReader } from '../internal/call-option-reader.js';
import {
  describe,
  validateInteger,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
} from '../internal/validate.js';
import type { Permit } from '../permit.js';
import { CallContext, protectFunction } from '../protected-call.js';
import { PartitionAdmission } from './partition-admission.js';
import { PartitionBulkhead } from './partition-bulkhead.js';
import type { Slot } from './partition-queues.js';
import {
  PARTITIONED_CALL_OPTION_KEYS,
  type PartitionedAcquireOptions,
  type PartitionedExecuteOptions,
} from './partitioned-call-options.js';
import { type PartitionedBulkheadOptions, resolvePartitionedOptions } from './partitioned-options.js';
import { partitionedState, partitionViewState } from './partitioned-snapshot.js';
import type { PartitionedBulkheadState } from './partitioned-state.js';

export type { PartitionedAcquireOptions, PartitionedExecuteOptions } from './partitioned-call-options.js';

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
  readonly #views = new Map<Slot, PartitionBulkhead>();
  readonly #admission: PartitionAdmission;
  readonly #options = new CallOptionReader(PARTITIONED_CALL_OPTION_KEYS);
  /** The slot of calls without a partition. */
  readonly #unpartitioned: Slot;

  constructor(name: string, options: PartitionedBulkheadOptions<Names>) {
    this.name = validateName('name', name);
    const resolved = resolvePartitionedOptions(options);
    this.#names = resolved.names;
    resolved.names.forEach((partition, slot) => {
      this.#slots.set(partition, slot);
    });
    this.#unpartitioned = resolved.names.length;
    this.#admission = new PartitionAdmission(this, resolved);
  }

  /** Current limit of concurrent calls over all partitions. */
  get maxConcurrent(): number {
    return this.#admission.accounting.limit;
  }

  /** Calls holding a permit now. */
  get activeCount(): number {
    return this.#admission.accounting.total;
  }

  /** Calls waiting now, over all partitions. */
  get waitingCount(): number {
    return this.#admission.queues.total;
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
    const admission = this.#admission;
    if (admission.open && admission.accounting.take(slot)) return admission.grant(slot, 0);
    admission.countRejection(slot, admission.closed ? 'shutdown' : 'queue_full');
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
    const admission = this.#admission;
    if (admission.open) {
      let slot: Slot | undefined;
      if (options === undefined) slot = this.#unpartitioned;
      else if (
        typeof options === 'object' &&
        options !== null &&
        options.timeout === undefined &&
        options.signal === undefined &&
        this.#options.hasOnlyKnownKeys(options)
      ) {
        const partition = options.partition;
        slot = partition === undefined ? this.#unpartitioned : this.#slots.get(partition);
      }
      if (slot !== undefined && admission.accounting.take(slot)) {
        return admission.start(slot, fn, new CallContext()) as Promise<T>;
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
   * this bulkhead's calls with `partition` set; its state is the partition's. One view per partition (the same
   * object on every call, so it can be registered once and looked up again).
   * @throws {TypeError} for an unknown partition name.
   */
  partition(partition: Names): PartitionBulkhead {
    const slot = this.#slotOf(partition);
    let view = this.#views.get(slot);
    if (view === undefined) {
      view = new PartitionBulkhead({
        partitioned: this as PartitionedBulkhead,
        partition,
        state: (name) => partitionViewState(name, this.#admission, slot),
      });
      this.#views.set(slot, view);
    }
    return view;
  }

  /**
   * Changes the limit and recomputes the guarantees. Growing admits waiters at once; shrinking never
   * cancels running work: no permit is handed out until `activeCount` < the new limit.
   * @throws {TypeError | RangeError} unless an integer >= 1 and >= the number of partitions with a share > 0.
   */
  resize(maxConcurrent: number): void {
    this.#admission.accounting.resize(validateInteger('maxConcurrent', maxConcurrent, 1));
    this.#admission.grantWaiters();
  }

  /**
   * Stops admitting: every queued and later call rejects with `BulkheadClosedError` (reason `shutdown`).
   * Resolves once every permit was released. Idempotent.
   */
  close(): Promise<void> {
    return this.#admission.close();
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#admission.closed;
  }

  /** A frozen snapshot, with the counters of each partition. */
  getState(): PartitionedBulkheadState {
    return partitionedState(this.name, this.#names, this.#admission);
  }

  /**
   * Subscribes to `permitted`, `rejected` or `finished`; returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#admission.events.on(event, listener);
  }

  /** Validates the options, then admits, rejects or queues the call (`task` undefined: an `acquire()`). */
  #admit(
    options: PartitionedAcquireOptions<Names> | undefined,
    task: ProtectedFunction<unknown> | undefined,
  ): Promise<unknown> {
    const reader = this.#options;
    let slot: Slot;
    try {
      reader.checkKeys(options);
      slot = this.#slotOf(options?.partition);
      reader.read(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { timeout, signal, level } = reader;
    const admission = this.#admission;
    if (signal?.aborted || admission.closed) return admission.refuse(slot, signal);
    return admission.admitOrQueue(slot, timeout, signal, level, task);
  }

  #slotOf(partition: unknown): Slot {
    if (partition === undefined) return this.#unpartitioned;
    const slot = typeof partition === 'string' ? this.#slots.get(partition) : undefined;
    if (slot === undefined) {
      throw new TypeError(
        `options.partition must be one of ${this.#names.join(', ')}, got ${describe(partition)}`,
      );
    }
    return slot;
  }
}
