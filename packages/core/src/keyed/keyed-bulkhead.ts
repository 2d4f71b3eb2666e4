import { AdmissionLedger } from '../admission-ledger.js';
import type {
  AcquireOptions,
  Bulkhead,
  CallOutcome,
  ExecuteOptions,
  ProtectedFunction,
} from '../bulkhead.js';
import { BulkheadClosedError, BulkheadFullError } from '../errors.js';
import { BulkheadEventEmitter, type BulkheadEventListener, type BulkheadEventName } from '../events.js';
import { now } from '../internal/clock.js';
import {
  describe,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from '../internal/validate.js';
import { contextOf, NEVER_ABORTED_CONTEXT, runWithPermit } from '../partitioned/run-with-permit.js';
import { type SlotOwner, SlotPermit } from '../partitioned/slot-permit.js';
import { type QueuedCall, WaitingRoom } from '../partitioned/waiting-room.js';
import type { Permit } from '../permit.js';
import { type BulkheadState, createBulkheadState } from '../state.js';
import { IdleList } from './idle-list.js';
import { IdleSweeper } from './idle-sweeper.js';
import { KeyBulkhead } from './key-bulkhead.js';
import { KeyCompartment } from './key-compartment.js';
import {
  type KeyedBulkheadOptions,
  type ResolvedKeyedOptions,
  resolveKeyedOptions,
} from './keyed-options.js';
import type { KeyedBulkheadState, KeyState } from './keyed-state.js';

/**
 * A compartment per key (tenant, customer, origin), created on first use and evicted after `idleTimeout`
 * with nothing active or waiting (one timer for all keys). At most `maxKeys` live: a new key past it
 * evicts the least recently used idle key, or is rejected (`queue_full`) when none is idle. With `global`,
 * each call takes its key's permit first, then the global one; a global rejection gives the key's permit
 * back at once. Events and state are aggregated over keys (cardinality-safe).
 * @throws {TypeError | RangeError} at construction when an option is invalid (the message names it).
 */
export class KeyedBulkhead {
  readonly name: string;
  readonly type = 'keyed' as const;
  readonly #options: ResolvedKeyedOptions;
  readonly #compartments = new Map<string, KeyCompartment>();
  readonly #idle = new IdleList<KeyCompartment>();
  readonly #sweeper: IdleSweeper<KeyCompartment>;
  readonly #room: WaitingRoom<KeyCompartment>;
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
    this.#room = new WaitingRoom<KeyCompartment>({
      queueOf: (compartment) => compartment.queue,
      onExpired: (call) => this.#rejectWaiter(call, this.#full('queue_timeout', this.#waitTimeOf(call))),
      onAborted: (call) =>
        this.#rejectWaiter(call, this.#ledger.aborted(call.signal!, this.#waitTimeOf(call))),
    });
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
  acquire(key: string, options?: AcquireOptions): Promise<Permit> {
    return this.#admit(key, options, undefined) as Promise<Permit>;
  }

  /**
   * Runs `fn({ signal })` inside a permit of `key` (and of `global`) and always releases both.
   * @throws the same rejections as `acquire()`; errors of `fn` propagate unchanged.
   */
  execute<T>(key: string, fn: ProtectedFunction<T>, options?: ExecuteOptions): Promise<T> {
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`fn must be a function, got ${describe(fn)}`));
    }
    return this.#admit(key, options, fn) as Promise<T>;
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
      rejectedCount: this.#ledger.rejectedCount,
      admittedCount: this.#ledger.admittedCount,
      successfulCalls: this.#ledger.successfulCount,
      failedCalls: this.#ledger.failedCount,
      lastRejectionTime: this.#ledger.lastRejectionTime,
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
      for (const compartment of this.#compartments.values()) {
        if (compartment.waiting === 0) continue;
        const queue = compartment.queue;
        for (let call = queue.peek(); call !== undefined; call = queue.peek()) {
          this.#room.leave(call);
          this.#waiting--;
          compartment.rejected++;
          call.reject(this.#ledger.closed(this.#waitTimeOf(call)));
        }
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

  #admit(key: string, options: AcquireOptions | undefined, task: ProtectedFunction<unknown> | undefined) {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    try {
      validateName('key', key);
      if (options !== undefined) {
        validateOptionsObject('options', options);
        if (options.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
        if (options.signal !== undefined) signal = validateSignal('signal', options.signal);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(this.#ledger.aborted(signal, 0));
    if (this.#closed) return Promise.reject(this.#ledger.closed(0));
    const compartment = this.#compartmentOf(key);
    if (compartment === undefined) return Promise.reject(this.#full('queue_full', 0));
    const timed = (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) || this.#events.listening;
    if (compartment.active < this.#options.maxConcurrent && compartment.waiting === 0) {
      this.#takeKey(compartment);
      const global = this.#options.global;
      if (global === undefined) {
        const permit = this.#grant(compartment, 0, undefined);
        if (task === undefined) return Promise.resolve(permit);
        return runWithPermit(task, signal === undefined ? NEVER_ABORTED_CONTEXT : { signal }, permit);
      }
      const granted = this.#acquireGlobal(global, compartment, timed ? now() : -1, timeout, signal);
      if (task === undefined) return granted;
      return granted.then((permit) => runWithPermit(task, contextOf(signal), permit));
    }
    if (timeout === undefined || timeout === 0 || compartment.waiting >= this.#options.maxQueue) {
      compartment.rejected++;
      return Promise.reject(this.#full('queue_full', 0));
    }
    const start = timed ? now() : -1;
    const call = this.#room.enter(compartment, timeout, start, signal);
    this.#waiting++;
    if (task === undefined) return call.promise;
    return call.promise.then((permit) => runWithPermit(task, contextOf(signal), permit));
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
    this.#ledger.permitted(waitTime);
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
    let remaining = timeout;
    if (remaining !== undefined && remaining !== Number.POSITIVE_INFINITY && start >= 0) {
      remaining = Math.max(0, remaining - (now() - start));
    }
    let globalPermit: Permit;
    try {
      globalPermit = await global.acquire({
        ...(remaining === undefined ? {} : { timeout: remaining }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      this.#giveBackKey(compartment);
      compartment.rejected++;
      this.#ledger.rejected(rejectionReasonOf(error, signal), start >= 0 ? now() - start : 0);
      throw error;
    }
    if (this.#closed) {
      globalPermit.release();
      this.#giveBackKey(compartment);
      throw this.#ledger.closed(start >= 0 ? now() - start : 0);
    }
    return this.#grant(compartment, start >= 0 && this.#events.listening ? now() - start : 0, globalPermit);
  }

  #release(compartment: KeyCompartment, admittedAt: number, waitTime: number, outcome: CallOutcome): void {
    compartment.active--;
    this.#active--;
    if (outcome === 'success') compartment.successful++;
    else compartment.failed++;
    this.#ledger.finished(outcome, admittedAt, waitTime);
    this.#afterRelease(compartment);
  }

  /** Hands the key's free permits to its waiters, or marks it idle; settles `close()` when all is done. */
  #afterRelease(compartment: KeyCompartment): void {
    while (compartment.active < this.#options.maxConcurrent && compartment.waiting > 0) {
      const call = compartment.queue.peek()!;
      this.#room.leave(call);
      this.#waiting--;
      this.#takeKey(compartment);
      const global = this.#options.global;
      if (global === undefined) call.resolve(this.#grant(compartment, this.#waitTimeOf(call), undefined));
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
    this.#idle.push(compartment, now());
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

  #full(reason: 'queue_full' | 'queue_timeout', waitTime: number): BulkheadFullError {
    return this.#ledger.full(reason, waitTime);
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
