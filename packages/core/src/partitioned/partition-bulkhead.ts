import type { AcquireOptions, Bulkhead, ExecuteOptions, ProtectedFunction } from '../bulkhead.js';
import type { BulkheadEventListener, BulkheadEventName } from '../events.js';
import { validateFunction } from '../internal/validate.js';
import type { Permit } from '../permit.js';
import { protectFunction } from '../protected-call.js';
import type { BulkheadState } from '../state.js';
import type { CallPriority } from '../waiting/queue-policy.js';
import type { PartitionedBulkhead } from './partitioned-bulkhead.js';

/** Options of a partition view's `acquire()` and `execute()`. */
export interface PartitionCallOptions extends ExecuteOptions {
  /** Order among the partition's waiters (default `normal`). */
  priority?: CallPriority;
}

/** What a `PartitionBulkhead` is made of (built by `PartitionedBulkhead.partition()`). */
export interface PartitionBulkheadParts {
  readonly partitioned: PartitionedBulkhead;
  readonly partition: string;
  /** The partition's state, named `name`. */
  readonly state: (name: string) => BulkheadState;
}

/**
 * One partition of a `PartitionedBulkhead` as a `Bulkhead` (named `<partitioned name>/<partition>`): every
 * call is the partitioned bulkhead's call with `partition` set, and its events are those of its own calls.
 */
export class PartitionBulkhead implements Bulkhead {
  readonly name: string;
  readonly type = 'partitioned' as const;
  readonly #parts: PartitionBulkheadParts;
  readonly #partition: string;

  constructor(parts: PartitionBulkheadParts) {
    this.#parts = parts;
    this.#partition = parts.partition;
    this.name = `${parts.partitioned.name}/${parts.partition}`;
  }

  /** The partition this view stands for. */
  get partition(): string {
    return this.#partition;
  }

  /** `PartitionedBulkhead.acquire()` in this partition. */
  acquire(options?: AcquireOptions & { priority?: CallPriority }): Promise<Permit> {
    return this.#parts.partitioned.acquire({ ...options, partition: this.#partition });
  }

  /** `PartitionedBulkhead.execute()` in this partition. */
  execute<T>(fn: ProtectedFunction<T>, options?: PartitionCallOptions): Promise<T> {
    return this.#parts.partitioned.execute(fn, { ...options, partition: this.#partition });
  }

  /**
   * Returns `fn` protected by this partition.
   * @throws {TypeError} when `fn` is not a function.
   */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: PartitionCallOptions,
  ): (...args: Arguments) => Promise<T> {
    return protectFunction(this, fn, options);
  }

  /** The partition's counters as a `BulkheadState` (`maxConcurrent`: the whole compartment's limit). */
  getState(): BulkheadState {
    return this.#parts.state(this.name);
  }

  /**
   * Subscribes to the events of this partition's calls (named after the partitioned bulkhead, with `partition`
   * set); returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    validateFunction('listener', listener);
    const partition = this.#partition;
    return this.#parts.partitioned.on(event, (payload) => {
      if (payload.partition === partition) listener(payload);
    });
  }
}
