import { AdmissionLedger } from '../admission-ledger.js';
import type {
  AcquireOptions,
  Bulkhead,
  CallOutcome,
  ClosableBulkhead,
  ExecuteOptions,
  ExecutionContext,
  ProtectedFunction,
} from '../bulkhead.js';
import { BulkheadClosedError, BulkheadFullError } from '../errors.js';
import { BulkheadEventEmitter, type BulkheadEventListener, type BulkheadEventName } from '../events.js';
import { IdleList } from '../idle/idle-list.js';
import { IdleSweeper } from '../idle/idle-sweeper.js';
import { now } from '../internal/clock.js';
import { runWithPermit } from '../internal/run-with-permit.js';
import { type SlotOwner, SlotPermit } from '../internal/slot-permit.js';
import {
  describe,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from '../internal/validate.js';
import type { Permit } from '../permit.js';
import { CallContext, type Executor, protectFunction } from '../protected-call.js';
import { type BulkheadState, createBulkheadState } from '../state.js';
import { OrderedWaitList } from '../waiting/ordered-wait-list.js';
import { type CallPriority, priorityLevel } from '../waiting/queue-policy.js';
import { QueuedCall } from '../waiting/queued-call.js';
import type { WaitListOptions } from '../waiting/wait-list.js';
import { KeyBulkhead } from './key-bulkhead.js';
import { KeyCompartment } from './key-compartment.js';
import {
  type KeyedBulkheadOptions,
  type ResolvedKeyedOptions,
  resolveKeyedOptions,
} from './keyed-options.js';
import type { KeyedBulkheadState, KeyState } from './keyed-state.js';

const CALL_OPTION_KEYS = ['timeout', 'signal', 'priority', 'key'] as const;

/** Options of `KeyedBulkhead.acquire()` and `execute()`. */
export interface KeyedCallOptions extends AcquireOptions {
  /** Order among the key's waiters (default `normal`; every 4th admission goes to the key's oldest waiter). */
  priority?: CallPriority;
  /** The key, for the `Bulkhead` forms `execute(fn, { key })` and `acquire({ key })` (ignored in the keyed forms). */
  key?: string;
}

/**
 * A compartment per key (tenant, customer, origin), created on first use and evicted after `idleTimeout`
 * with nothing active or waiting (one timer for all keys). At most `maxKeys` live: a new key past it
 * evicts the least recently used idle key, or is rejected (`queue_full`) when none is idle. With `global`,
 * each call takes its key's permit first, then the global one; a global rejection gives the key's permit
 * back at once. Events and state are aggregated over keys (cardinality-safe).
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class KeyedBulkhead implements Bulkhead, ClosableBulkhead {
  readonly name: string;
  readonly type = 'keyed' as const;
  readonly #options: ResolvedKeyedOptions;
  readonly #compartments = new Map<string, KeyCompartment>();
  readonly #idle = new IdleList<KeyCompartment>();
  readonly #sweeper: IdleSweeper<KeyCompartment>;
  readonly #waitListOptions: WaitListOptions<QueuedCall<KeyCompartment>>;
  #sequence = 0;
  readonly #ledger: AdmissionLedger;
  readonly #events = new BulkheadEventEmitter();
  readonly #owner: SlotOwner<KeyCompartment>;
  #active = 0;
  #waiting = 0;
  #evicted = 0;
  #closed = false;
  #idleWaiters: Array<() => void> = [];

  constructor(name: string, options: KeyedBulkheadOptions) {
    this.name = validateName('name', name);
    this.#options = resolveKeyedOptions(options);
    this.#owner = {
      name: this.name,
      releaseSlot: (compartment, admittedAt, waitTime, outcome) =>
        this.#release(compartment, admittedAt, waitTime, outcome),
    };
    this.#sweeper = new IdleSweeper(this.#idle, this.#options.idleTimeout, (compartment) =>
      this.#evict(compartment),
    );
    this.#waitListOptions = {
      onExpired: (call) =>
        this.#rejectWaiter(call, this.#ledger.full('queue_timeout', this.#waitTimeOf(call), call.home)),
      onAborted: (call) =>
        this.#rejectWaiter(call, this.#ledger.aborted(call.signal!, this.#waitTimeOf(call), call.home)),
    };
    this.#ledger = new AdmissionLedger({
      subject: this,
      events: this.#events,
      captureStackTrace: this.#options.captureStackTrace,
    });
  }

  /** `perKey.maxConcurrent` times the live keys (the capacity of the compartments that exist now). */
  get maxConcurrent(): number {
    return this.#options.maxConcurrent * this.#compartments.size;
  }

  /** Calls holding a key's permit now, over all keys. */
  get activeCount(): number {
    return this.#active;
  }

  /** Calls waiting for a key's permit now, over all keys. */
  get waitingCount(): number {
    return this.#waiting;
  }

  /** Keys with a compartment now. */
  get keyCount(): number {
    return this.#compartments.size;
  }

  /**
   * Resolves to a permit of `key`'s compartment (and of `global`, when given). Without `timeout` the
   * verdict is immediate; with one the call waits in FIFO order within its key, the global wait included.
   * @throws {TypeError} (rejection) unless `key` is a non-empty string.
   * @throws {BulkheadFullError} (rejection) `queue_full`/`queue_timeout`; {BulkheadClosedError} after `close()`;
   * the global bulkhead's rejection as it is.
   */
  acquire(key: string, options?: KeyedCallOptions): Promise<Permit>;
  /** The `Bulkhead` form: `acquire({ key, ... })`; a missing key is a `TypeError` rejection. */
  acquire(options: KeyedCallOptions): Promise<Permit>;
  acquire(keyOrOptions: string | KeyedCallOptions | undefined, options?: KeyedCallOptions): Promise<Permit> {
    if (typeof keyOrOptions === 'string')
      return this.#admit(keyOrOptions, options, undefined) as Promise<Permit>;
    return this.#admit(keyOf(keyOrOptions), keyOrOptions, undefined) as Promise<Permit>;
  }

  /**
   * Runs `fn({ signal })` inside a permit of `key` (and of `global`) and always releases both.
   * @throws the same rejections as `acquire()`; errors of `fn` propagate unchanged.
   */
  execute<T>(key: string, fn: ProtectedFunction<T>, options?: KeyedCallOptions & ExecuteOptions): Promise<T>;
  /** The `Bulkhead` form: `execute(fn, { key, ... })`; a missing key is a `TypeError` rejection. */
  execute<T>(fn: ProtectedFunction<T>, options: KeyedCallOptions & ExecuteOptions): Promise<T>;
  execute<T>(
    keyOrFn: string | ProtectedFunction<T>,
    fnOrOptions?: ProtectedFunction<T> | (KeyedCallOptions & ExecuteOptions),
    options?: KeyedCallOptions & ExecuteOptions,
  ): Promise<T> {
    if (typeof keyOrFn === 'function') {
      const callOptions = fnOrOptions as (KeyedCallOptions & ExecuteOptions) | undefined;
      return this.#admit(
        keyOf(callOptions),
        callOptions,
        keyOrFn as ProtectedFunction<unknown>,
      ) as Promise<T>;
    }
    const key = keyOrFn;
    const fn = fnOrOptions;
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`fn must be a function, got ${describe(fn)}`));
    }
    // Fast path (a live key with a free permit, nobody waiting, no options): no option checks.
    if (options === undefined && !this.#closed && typeof key === 'string') {
      const compartment = this.#compartments.get(key);
      if (
        compartment !== undefined &&
        compartment.active < this.#options.maxConcurrent &&
        compartment.waiting === 0
      ) {
        this.#takeKey(compartment);
        return this.#start(compartment, fn, new CallContext(), undefined, undefined, -1) as Promise<T>;
      }
    }
    return this.#admit(key, options, fn) as Promise<T>;
  }

  /**
   * Returns `fn` protected by the compartment of `options.key` (`forKey(key).wrap(fn)` is the same).
   * @throws {TypeError} when `fn` is not a function.
   */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: KeyedCallOptions & ExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    return protectFunction(this as Executor<KeyedCallOptions & ExecuteOptions>, fn, options);
  }

  /**
   * The `Bulkhead` of one key (for registries, policies, the decorator, the HTTP guard). Its compartment
   * is still created on first use and evicted when idle; the view itself holds nothing.
   * @throws {TypeError} unless `key` is a non-empty string.
   */
  forKey(key: string): Bulkhead {
    validateName('key', key);
    return new KeyBulkhead(this, key);
  }

  /** A frozen snapshot aggregated over keys; each key listed only with `perKeyState: true`. */
  getState(): KeyedBulkheadState {
    const base = createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: this.maxConcurrent,
      activeCount: this.#active,
      waitingCount: this.#waiting,
      maxQueue: this.#options.maxQueue * this.#compartments.size,
      ...this.#ledger.stateCounts(),
      closed: this.#closed,
    });
    let keys: Record<string, KeyState> | undefined;
    if (this.#options.perKeyState) {
      keys = {};
      for (const [key, compartment] of this.#compartments) {
        keys[key] = Object.freeze({
          active: compartment.active,
          waiting: compartment.waiting,
          rejected: compartment.rejected,
        });
      }
    }
    return Object.freeze({
      ...base,
      type: this.type,
      keyCount: this.#compartments.size,
      maxKeys: this.#options.maxKeys,
      evictedKeys: this.#evicted,
      perKey: Object.freeze({ maxConcurrent: this.#options.maxConcurrent, maxQueue: this.#options.maxQueue }),
      ...(keys === undefined ? {} : { keys: Object.freeze(keys) }),
    });
  }

  /**
   * The state of one key's compartment (all zeros for a key without one; counters restart after eviction).
   * @throws {TypeError} unless `key` is a non-empty string.
   */
  keyState(key: string, name = `${this.name}/${key}`): BulkheadState {
    validateName('key', key);
    const compartment = this.#compartments.get(key);
    return createBulkheadState({
      name,
      type: this.type,
      maxConcurrent: this.#options.maxConcurrent,
      activeCount: compartment?.active ?? 0,
      waitingCount: compartment?.waiting ?? 0,
      maxQueue: this.#options.maxQueue,
      rejectedCount: compartment?.rejected ?? 0,
      admittedCount: compartment?.admitted ?? 0,
      successfulCalls: compartment?.successful ?? 0,
      failedCalls: compartment?.failed ?? 0,
      lastRejectionTime: null,
      closed: this.#closed,
    });
  }

  /**
   * Subscribes to `permitted`, `rejected` or `finished` of every key (named after this bulkhead, never the
   * key); returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Stops admitting: every queued and later call rejects with `BulkheadClosedError`. Resolves once every
   * permit was released; then every compartment is dropped. Idempotent.
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      // Every waiter leaves first; only then are they settled, so nothing a rejection listener does can admit one.
      const detached: Array<QueuedCall<KeyCompartment>> = [];
      for (const compartment of this.#compartments.values()) {
        if (compartment.queue !== undefined) detached.push(...compartment.queue.detachAll());
      }
      this.#waiting = 0;
      for (const call of detached) {
        call.home.rejected++;
        call.reject(this.#ledger.closed(this.#waitTimeOf(call), call.home));
      }
      this.#sweeper.stop();
    }
    if (this.#active === 0) {
      this.#dropAll();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #admit(key: string, options: KeyedCallOptions | undefined, task: ProtectedFunction<unknown> | undefined) {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    let level = 1;
    try {
      validateName('key', key);
      if (options !== undefined) {
        validateOptionsObject('options', options);
        for (const option in options) {
          if (option !== 'timeout' && option !== 'signal' && option !== 'priority' && option !== 'key') {
            validateKnownKeys(options, CALL_OPTION_KEYS);
          }
        }
        if (options.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
        if (options.signal !== undefined) signal = validateSignal('signal', options.signal);
        level = priorityLevel(options.priority);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(this.#ledger.aborted(signal, 0, { key }));
    if (this.#closed) return Promise.reject(this.#ledger.closed(0, { key }));
    const compartment = this.#compartmentOf(key);
    if (compartment === undefined) return Promise.reject(this.#ledger.full('queue_full', 0, { key }));
    const timed = (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) || this.#events.listening;
    if (compartment.active < this.#options.maxConcurrent && compartment.waiting === 0) {
      this.#takeKey(compartment);
      const start = timed ? now() : -1;
      if (task !== undefined)
        return this.#start(compartment, task, new CallContext(signal), timeout, signal, start);
      const global = this.#options.global;
      if (global === undefined) return Promise.resolve(this.#grant(compartment, 0, undefined));
      return this.#acquireGlobal(global, compartment, start, timeout, signal);
    }
    if (timeout === undefined || timeout === 0) {
      compartment.rejected++;
      return Promise.reject(this.#ledger.full('queue_full', 0, compartment));
    }
    if (compartment.waiting >= this.#options.maxQueue) {
      const oldest = this.#options.onQueueFull === 'drop-oldest' ? compartment.queue?.oldest() : undefined;
      if (oldest === undefined) {
        compartment.rejected++;
        return Promise.reject(this.#ledger.full('queue_full', 0, compartment));
      }
      // drop-oldest sheds the key's own oldest waiter so the new one can wait.
      compartment.queue!.remove(oldest);
      this.#waiting--;
      compartment.rejected++;
      oldest.reject(this.#ledger.full('dropped', this.#waitTimeOf(oldest), compartment));
    }
    const start = timed ? now() : -1;
    const call = new QueuedCall(compartment, this.#sequence++, start, signal);
    call.timeout = timeout;
    compartment.queue ??= new OrderedWaitList(this.#options.queueOrder, this.#waitListOptions);
    compartment.queue.enqueue(call, level, timeout);
    this.#waiting++;
    if (task === undefined) return call.promise;
    call.task = task;
    // Registered now, in the caller's async context, so the task later runs in that context too.
    return call.promise.then(this.#runAdmitted as (value: unknown) => Promise<unknown>);
  }

  /** The key's compartment, created on demand; `undefined` when `maxKeys` are live and none is idle. */
  #compartmentOf(key: string): KeyCompartment | undefined {
    const existing = this.#compartments.get(key);
    if (existing !== undefined) return existing;
    if (this.#compartments.size >= this.#options.maxKeys) {
      const leastRecentlyUsed = this.#idle.oldest;
      if (leastRecentlyUsed === undefined) return undefined;
      this.#idle.remove(leastRecentlyUsed);
      this.#evict(leastRecentlyUsed);
    }
    const compartment = new KeyCompartment(key);
    this.#compartments.set(key, compartment);
    return compartment;
  }

  /**
   * Runs a call that holds its key's permit: alone (prebound releases, no Permit object unless somebody
   * listens to `finished`) or inside the global bulkhead's `execute()`.
   */
  #start(
    compartment: KeyCompartment,
    task: ProtectedFunction<unknown>,
    context: ExecutionContext,
    timeout: number | undefined,
    signal: AbortSignal | undefined,
    start: number,
  ): Promise<unknown> {
    const global = this.#options.global;
    if (global !== undefined) return this.#startChained(global, compartment, task, timeout, signal, start);
    const waitTime = start >= 0 && this.#events.listening ? now() - start : 0;
    if (this.#events.listeningFinished) {
      return runWithPermit(task, context, this.#grant(compartment, waitTime, undefined));
    }
    compartment.admitted++;
    this.#ledger.permitted(waitTime, compartment);
    let result: unknown;
    try {
      result = task(context);
    } catch (error) {
      result = Promise.reject(error);
    }
    compartment.releaseAfterSuccess ??= (value) => {
      this.#release(compartment, -1, 0, 'success');
      return value;
    };
    compartment.releaseAfterFailure ??= (error) => {
      this.#release(compartment, -1, 0, 'failure');
      throw error;
    };
    return Promise.resolve(result).then(compartment.releaseAfterSuccess, compartment.releaseAfterFailure);
  }

  /**
   * Holding the key's permit, runs the call through `global.execute()` with what is left of `timeout`. A
   * global rejection gives the key's permit back at once; a call admitted by global after `close()` is refused.
   */
  #startChained(
    global: Bulkhead,
    compartment: KeyCompartment,
    task: ProtectedFunction<unknown>,
    timeout: number | undefined,
    signal: AbortSignal | undefined,
    start: number,
  ): Promise<unknown> {
    let stage: 'waiting' | 'admitted' | 'refused' = 'waiting';
    let admittedAt = -1;
    let waitTime = 0;
    const inner = (context: ExecutionContext): unknown => {
      if (this.#closed) {
        stage = 'refused';
        throw this.#ledger.closed(start >= 0 ? now() - start : 0, compartment);
      }
      stage = 'admitted';
      waitTime = start >= 0 && this.#events.listening ? now() - start : 0;
      admittedAt = this.#events.listeningFinished ? now() : -1;
      compartment.admitted++;
      this.#ledger.permitted(waitTime, compartment);
      return task(context);
    };
    const options = this.#globalOptions(timeout, signal, start);
    return global.execute(inner, options).then(
      (value) => {
        this.#release(compartment, admittedAt, waitTime, 'success');
        return value;
      },
      (error: unknown) => {
        if (stage === 'admitted') this.#release(compartment, admittedAt, waitTime, 'failure');
        else {
          this.#giveBackKey(compartment);
          if (stage === 'waiting') {
            compartment.rejected++;
            this.#ledger.rejected(
              rejectionReasonOf(error, signal),
              start >= 0 ? now() - start : 0,
              compartment,
            );
          }
        }
        throw error;
      },
    );
  }

  /** What the global bulkhead is asked with: what is left of the caller's timeout, and its signal. */
  #globalOptions(
    timeout: number | undefined,
    signal: AbortSignal | undefined,
    start: number,
  ): AcquireOptions | undefined {
    if (timeout === undefined && signal === undefined) return undefined;
    let remaining = timeout;
    if (remaining !== undefined && remaining !== Number.POSITIVE_INFINITY && start >= 0) {
      remaining = Math.max(0, remaining - (now() - start));
    }
    return {
      ...(remaining === undefined ? {} : { timeout: remaining }),
      ...(signal === undefined ? {} : { signal }),
    };
  }

  /** Runs a queued `execute()` call once it holds its key's permit (a reaction registered when it was queued). */
  readonly #runAdmitted = (call: QueuedCall<KeyCompartment>): Promise<unknown> =>
    this.#start(
      call.home,
      call.task!,
      new CallContext(call.signal),
      call.timeout,
      call.signal,
      call.enqueuedAt,
    );

  #takeKey(compartment: KeyCompartment): void {
    this.#idle.remove(compartment);
    compartment.active++;
    this.#active++;
  }

  /** Gives the key's permit back without a call having run (the global bulkhead said no). */
  #giveBackKey(compartment: KeyCompartment): void {
    compartment.active--;
    this.#active--;
    this.#afterRelease(compartment);
  }

  #grant(compartment: KeyCompartment, waitTime: number, globalPermit: Permit | undefined): Permit {
    const admittedAt = this.#events.listeningFinished ? now() : -1;
    compartment.admitted++;
    this.#ledger.permitted(waitTime, compartment);
    return new SlotPermit(this.#owner, compartment, admittedAt, waitTime, globalPermit);
  }

  /**
   * Holding the key's permit, takes the global one with what is left of `timeout`; on a global rejection the
   * key's permit goes back at once (the next waiter of the key gets it) and the caller gets that rejection.
   */
  async #acquireGlobal(
    global: Bulkhead,
    compartment: KeyCompartment,
    start: number,
    timeout: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Permit> {
    let globalPermit: Permit;
    try {
      globalPermit = await global.acquire(this.#globalOptions(timeout, signal, start));
    } catch (error) {
      this.#giveBackKey(compartment);
      compartment.rejected++;
      this.#ledger.rejected(rejectionReasonOf(error, signal), start >= 0 ? now() - start : 0, compartment);
      throw error;
    }
    if (this.#closed) {
      globalPermit.release();
      this.#giveBackKey(compartment);
      throw this.#ledger.closed(start >= 0 ? now() - start : 0, compartment);
    }
    return this.#grant(compartment, start >= 0 && this.#events.listening ? now() - start : 0, globalPermit);
  }

  #release(compartment: KeyCompartment, admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    compartment.active--;
    this.#active--;
    if (outcome === 'success') compartment.successful++;
    else compartment.failed++;
    this.#ledger.finished(outcome, admittedAt, waitTime, compartment);
    this.#afterRelease(compartment);
  }

  /** Hands the key's free permits to its waiters, or marks it idle; settles `close()` when all is done. */
  #afterRelease(compartment: KeyCompartment): void {
    while (!this.#closed && compartment.active < this.#options.maxConcurrent && compartment.waiting > 0) {
      const call = compartment.queue!.shift()!;
      this.#waiting--;
      this.#takeKey(compartment);
      const global = this.#options.global;
      if (call.task !== undefined) call.resolve(call);
      else if (global === undefined)
        call.resolve(this.#grant(compartment, this.#waitTimeOf(call), undefined));
      else {
        this.#acquireGlobal(global, compartment, call.enqueuedAt, call.timeout, call.signal).then(
          call.resolve,
          call.reject,
        );
      }
    }
    if (compartment.idle) this.#becameIdle(compartment);
    if (this.#active === 0 && this.#idleWaiters.length > 0) {
      this.#dropAll();
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  #rejectWaiter(call: QueuedCall<KeyCompartment>, error: unknown): void {
    this.#waiting--;
    call.home.rejected++;
    call.reject(error);
    if (call.home.idle) this.#becameIdle(call.home);
  }

  #becameIdle(compartment: KeyCompartment): void {
    if (this.#closed || compartment.idleSince >= 0) return;
    compartment.compact();
    this.#idle.push(compartment, this.#sweeper.stamp);
    this.#sweeper.schedule();
  }

  #evict(compartment: KeyCompartment): void {
    // Only idle compartments are ever in the idle list; this guards the invariant all the same.
    if (!compartment.idle || this.#compartments.get(compartment.key) !== compartment) return;
    this.#compartments.delete(compartment.key);
    this.#evicted++;
  }

  #dropAll(): void {
    if (!this.#closed) return;
    for (let oldest = this.#idle.oldest; oldest !== undefined; oldest = this.#idle.oldest)
      this.#idle.remove(oldest);
    this.#compartments.clear();
  }

  #waitTimeOf(call: QueuedCall<KeyCompartment>): number {
    return call.enqueuedAt >= 0 && this.#events.listening ? now() - call.enqueuedAt : 0;
  }
}

/** The reason to count when the global bulkhead rejected. */
function rejectionReasonOf(error: unknown, signal: AbortSignal | undefined) {
  if (signal?.aborted) return 'aborted' as const;
  if (BulkheadClosedError.isInstance(error)) return 'shutdown' as const;
  if (BulkheadFullError.isInstance(error)) return error.reason;
  return 'unavailable' as const;
}

/** The key of the `Bulkhead` forms (validated by `#admit`, which names `key`). */
function keyOf(options: KeyedCallOptions | undefined): string {
  return (typeof options === 'object' && options !== null ? options.key : undefined) as string;
}
