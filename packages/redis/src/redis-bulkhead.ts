import {
  type AcquireOptions,
  BulkheadEventEmitter,
  type BulkheadEventListener,
  type BulkheadEventName,
  type CallOutcome,
  type ClosableBulkhead,
  createBulkheadState,
  type ExecuteOptions,
  type ProtectedFunction,
  type ResizableBulkhead,
} from '@x/bulkhead-core';
import {
  AdmissionLedger,
  callProtected,
  protectFunction,
  validateFunction,
  validateInteger,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from '@x/bulkhead-core/extension';
import { Availability } from './internal/availability.js';
import { ClusterAcquisition } from './internal/cluster-acquisition.js';
import { ClusterCommands } from './internal/cluster-commands.js';
import { GrantBook } from './internal/grant-book.js';
import { RENEW_SCRIPT } from './internal/lua-scripts.js';
import { type RenewalHost, RenewalLoop } from './internal/renewal-loop.js';
import { Script, ScriptRunner } from './internal/script-runner.js';
import { type SharedSubscriber, subscriberFor } from './internal/shared-subscriber.js';
import { UnavailableAdmission } from './internal/unavailable-admission.js';
import {
  type RedisBulkheadOptions,
  type ResolvedRedisBulkheadOptions,
  resolveRedisBulkheadOptions,
} from './redis-bulkhead-options.js';
import type { RedisBulkheadState } from './redis-bulkhead-state.js';
import { FencedCallContext, type RedisExecutionContext, type RedisPermit } from './redis-permit.js';

const RENEW = new Script(RENEW_SCRIPT);

/**
 * A compartment shared by every process that uses the same name on the same Redis: at most `maxConcurrent` calls
 * run at once over all of them, waiters are admitted in FIFO order across processes, permits are leases on the
 * Redis server's clock with fencing tokens.
 * @throws {TypeError | RangeError} at construction when an option is invalid or the client is not connected.
 */
export class RedisBulkhead implements ResizableBulkhead, ClosableBulkhead {
  readonly name: string;
  readonly type = 'redis' as const;
  readonly #options: ResolvedRedisBulkheadOptions;
  readonly #subscriber: SharedSubscriber;
  readonly #keys: readonly string[];
  readonly #events = new BulkheadEventEmitter();
  readonly #ledger: AdmissionLedger;
  readonly #commands: ClusterCommands;
  readonly #grants: GrantBook;
  readonly #acquisition: ClusterAcquisition;
  readonly #unavailable: UnavailableAdmission;
  readonly #renewal: RenewalLoop;
  readonly #availability: Availability;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(name: string, options: RedisBulkheadOptions) {
    this.#options = resolveRedisBulkheadOptions(name, options);
    this.name = this.#options.name;
    const base = `${this.#options.keyPrefix}{bulkhead:${this.name}}`;
    this.#keys = ['holders', 'queue', 'waiters', 'expiries', 'config', 'tokens'].map(
      (key) => `${base}:${key}`,
    );
    const runner = new ScriptRunner(this.#options.client, this.#options.commandTimeout);
    this.#ledger = new AdmissionLedger({ subject: this, events: this.#events, captureStackTrace: false });
    this.#commands = new ClusterCommands({
      options: this.#options,
      runner,
      keys: this.#keys,
      isClosed: () => this.#closed,
      markUnavailable: (cause) => this.#availability.markUnavailable(cause),
    });
    this.#renewal = new RenewalLoop(this.#renewalHost());
    this.#availability = new Availability({
      bulkheadName: this.name,
      onUnavailable: this.#options.onUnavailable,
      runner,
      probeInterval: Math.max(10, Math.min(1000, Math.floor(this.#options.leaseTtl / 3))),
      onRecovered: () => this.#commands.withdrawOrphans(),
    });
    this.#subscriber = subscriberFor(this.#options.client);
    this.#subscriber.retain();
    const startRenewal = (): void => this.#renewal.start();
    const stopRenewalWhenIdle = (): void => this.#stopRenewalWhenIdle();
    this.#grants = new GrantBook({
      bulkheadName: this.name,
      ledger: this.#ledger,
      events: this.#events,
      commands: this.#commands,
      startRenewal,
      stopRenewalWhenIdle,
    });
    this.#unavailable = new UnavailableAdmission({
      options: this.#options,
      ledger: this.#ledger,
      grants: this.#grants,
      nextId: () => this.#subscriber.nextId(),
    });
    this.#acquisition = new ClusterAcquisition({
      options: this.#options,
      ledger: this.#ledger,
      commands: this.#commands,
      grants: this.#grants,
      subscriber: this.#subscriber,
      unavailable: this.#unavailable,
      isClosed: () => this.#closed,
      startRenewal,
      stopRenewalWhenIdle,
    });
  }

  /** Last known cluster limit. */
  get maxConcurrent(): number {
    return this.#commands.cluster.maxConcurrent;
  }

  /** Last known number of permits held over the cluster. */
  get activeCount(): number {
    return this.#commands.cluster.activeCount;
  }

  /** Last known number of waiters over the cluster. */
  get waitingCount(): number {
    return this.#commands.cluster.waitingCount;
  }

  /** The Redis keys of this compartment (one hash tag); for inspection and cleanup. */
  get keys(): readonly string[] {
    return this.#keys;
  }

  /**
   * Resolves to a permit (a lease). Without `timeout` (or 0): one round trip, immediate verdict. With one: waits in
   * FIFO order across processes up to `timeout` ms (`Infinity`: no deadline), woken through pub/sub.
   * @throws {BulkheadFullError} when full or the wait timed out; {BulkheadUnavailableError} when Redis is
   * unreachable with `onUnavailable: 'reject'`; {BulkheadClosedError} after `close()`; the signal's reason on abort.
   */
  acquire(options?: AcquireOptions): Promise<RedisPermit> {
    let timeout = 0;
    let signal: AbortSignal | undefined;
    try {
      validateOptionsObject('options', options);
      if (options?.timeout !== undefined) timeout = validateTimeout('timeout', options.timeout);
      if (options?.signal !== undefined) signal = validateSignal('signal', options.signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(this.#ledger.aborted(signal, 0));
    if (this.#closed) return Promise.reject(this.#ledger.closed(0));
    if (this.#availability.mode === 'unavailable') return this.#unavailable.admit(timeout, signal);
    return this.#acquisition.acquire(timeout, signal);
  }

  /**
   * Runs `fn({ signal, fencingToken })` inside a permit and always releases it. `signal` aborts when the caller's
   * signal does or when the lease is lost (reason: a `BulkheadLeaseLostError`).
   * @throws the same rejections as `acquire()`; errors of `fn` propagate unchanged.
   */
  async execute<T>(
    fn: (context: RedisExecutionContext) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): Promise<T> {
    validateFunction('fn', fn);
    const permit = await this.acquire(options);
    const signal =
      options?.signal === undefined ? permit.signal : AbortSignal.any([options.signal, permit.signal]);
    let outcome: CallOutcome = 'failure';
    try {
      const context = new FencedCallContext(signal, permit.fencingToken);
      const value = await callProtected(fn as ProtectedFunction<T>, context);
      outcome = 'success';
      return value;
    } finally {
      permit.release(outcome);
    }
  }

  /**
   * Returns `fn` protected by this bulkhead (each call goes through `execute`; `this` is passed through).
   * @throws {TypeError} when `fn` is not a function.
   */
  wrap<Arguments extends unknown[], T>(
    fn: (...args: Arguments) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): (...args: Arguments) => Promise<T> {
    return protectFunction(this, fn, options);
  }

  /**
   * Changes the cluster-wide limit for every process; growing admits waiters at once. Resolves once Redis has it.
   * @throws {TypeError | RangeError} (synchronously) unless `maxConcurrent` is an integer >= 1;
   * rejects with {BulkheadUnavailableError} when Redis cannot be reached (the rejection is also handled, so ignoring
   * the promise is safe).
   */
  resize(maxConcurrent: number): Promise<void> {
    const limit = validateInteger('maxConcurrent', maxConcurrent, 1);
    // We write it: getState() shows it at once, as an in-process bulkhead would (Redis confirms it below).
    this.#commands.setLimit(limit);
    const result = this.#commands.readState(String(limit)).then(() => undefined);
    result.catch(() => {});
    return result;
  }

  /** Reads the cluster state from Redis now and returns `getState()`. @throws {BulkheadUnavailableError} */
  async refreshState(): Promise<RedisBulkheadState> {
    await this.#commands.readState('');
    return this.getState();
  }

  /**
   * Stops admitting: queued calls reject with `BulkheadClosedError` (and leave the Redis queue). Resolves once this
   * process's in-flight calls have released their permits; then closes the subscriber when no compartment uses it.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    this.#acquisition.closeAll();
    this.#closing = (async () => {
      if (this.#grants.localActive > 0) await this.#grants.whenIdle();
      while (this.#commands.hasPending) await this.#commands.pendingSettled();
      this.#renewal.stop();
      this.#availability.stop();
      await this.#unavailable.close();
      await this.#subscriber.release();
    })();
    return this.#closing;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The last known cluster state (with `cluster.readAt`) plus this process's own counts; see `RedisBulkheadState`. */
  getState(): RedisBulkheadState {
    const cluster = this.#commands.cluster;
    const base = createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: cluster.maxConcurrent,
      activeCount: cluster.activeCount,
      waitingCount: cluster.waitingCount,
      maxQueue: this.#options.maxQueue,
      ...this.#ledger.stateCounts(),
      closed: this.#closed,
    });
    return Object.freeze({
      ...base,
      cluster,
      local: { activeCount: this.#grants.localActive, waitingCount: this.#acquisition.waitingCount },
      mode: this.#availability.mode,
      leaseLostCount: this.#grants.leaseLostCount,
      unavailableSwitches: this.#availability.switches,
      recoveries: this.#availability.recoveries,
    });
  }

  /**
   * Subscribes to `permitted`, `rejected` or `finished`; returns a disposer.
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    return this.#events.on(event, listener);
  }

  #stopRenewalWhenIdle(): void {
    if (this.#grants.heldCount === 0 && this.#acquisition.waitingCount === 0) this.#renewal.stop();
  }

  /** The renewal loop extends the leases and waiters every leaseTtl / 3, in one script. */
  #renewalHost(): RenewalHost {
    return {
      leaseTtl: this.#options.leaseTtl,
      heldLeases: () => this.#grants.heldLeases(),
      queuedWaiters: () => this.#acquisition.queuedWaiters(),
      renew: (args) => this.#commands.run(RENEW, args),
      observe: (limit, active, waiting) => this.#commands.observe(limit, active, waiting),
      leaseLost: (grant) => this.#grants.loseLease(grant),
      waiterGranted: (waiter, token) => this.#acquisition.granted(waiter.id, token),
      waiterDropped: (waiter) => this.#acquisition.dropped(waiter),
      waiterUnreachable: (waiter) => this.#acquisition.unreachable(waiter),
    };
  }
}
