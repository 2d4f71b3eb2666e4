import {
  type AcquireOptions,
  BulkheadEventEmitter,
  type BulkheadEventListener,
  type BulkheadEventName,
  BulkheadFullError,
  type CallOutcome,
  type ClosableBulkhead,
  createBulkheadState,
  type ExecuteOptions,
  type Permit,
  type ProtectedFunction,
  type ResizableBulkhead,
  SemaphoreBulkhead,
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
  WaitList,
} from '@x/bulkhead-core/extension';
import { BulkheadLeaseLostError, BulkheadUnavailableError } from './errors.js';
import { Availability } from './internal/availability.js';
import {
  ACQUIRE_SCRIPT,
  CANCEL_SCRIPT,
  RELEASE_SCRIPT,
  RENEW_SCRIPT,
  STATE_SCRIPT,
} from './internal/lua-scripts.js';
import { RemoteWaiter } from './internal/remote-waiter.js';
import { type RenewalHost, RenewalLoop } from './internal/renewal-loop.js';
import { CommandFailure, Script, ScriptRunner } from './internal/script-runner.js';
import { type SharedSubscriber, subscriberFor } from './internal/shared-subscriber.js';
import {
  type RedisBulkheadOptions,
  type ResolvedRedisBulkheadOptions,
  resolveRedisBulkheadOptions,
  type UnavailableMode,
} from './redis-bulkhead-options.js';
import type { RedisBulkheadState, RedisClusterState } from './redis-bulkhead-state.js';
import {
  type Admission,
  FencedCallContext,
  Grant,
  GrantPermit,
  type RedisExecutionContext,
  type RedisPermit,
} from './redis-permit.js';

const ACQUIRE = new Script(ACQUIRE_SCRIPT);
const RELEASE = new Script(RELEASE_SCRIPT);
const CANCEL = new Script(CANCEL_SCRIPT);
const RENEW = new Script(RENEW_SCRIPT);
const STATE = new Script(STATE_SCRIPT);

const now = (): number => performance.now();

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
  readonly #runner: ScriptRunner;
  readonly #subscriber: SharedSubscriber;
  readonly #keys: readonly string[];
  readonly #events = new BulkheadEventEmitter();
  readonly #ledger: AdmissionLedger;
  readonly #grants = new Map<string, Grant>();
  readonly #waiters = new Map<string, RemoteWaiter>();
  readonly #waitList: WaitList<RemoteWaiter>;
  readonly #pending = new Set<Promise<unknown>>();
  /** Ids whose acquire may have run in Redis while we could not tell: withdrawn once Redis answers again. */
  #orphans: string[] = [];
  #cluster: RedisClusterState;
  #localActive = 0;
  #leaseLostCount = 0;
  #closed = false;
  #closing: Promise<void> | undefined;
  #idle: Array<() => void> = [];
  readonly #renewal: RenewalLoop;
  readonly #availability: Availability;
  #fallback: SemaphoreBulkhead | undefined;
  #subscriberReady = false;

  constructor(name: string, options: RedisBulkheadOptions) {
    this.#options = resolveRedisBulkheadOptions(name, options);
    this.name = this.#options.name;
    const base = `${this.#options.keyPrefix}{bulkhead:${this.name}}`;
    this.#keys = ['holders', 'queue', 'waiters', 'expiries', 'config', 'tokens'].map(
      (key) => `${base}:${key}`,
    );
    this.#runner = new ScriptRunner(this.#options.client, this.#options.commandTimeout);
    this.#ledger = new AdmissionLedger({ subject: this, events: this.#events, captureStackTrace: false });
    this.#cluster = {
      maxConcurrent: this.#options.maxConcurrent,
      activeCount: 0,
      waitingCount: 0,
      rejectedCount: 0,
      readAt: null,
    };
    this.#renewal = new RenewalLoop(this.#renewalHost());
    this.#availability = new Availability({
      bulkheadName: this.name,
      onUnavailable: this.#options.onUnavailable,
      runner: this.#runner,
      probeInterval: Math.max(10, Math.min(1000, Math.floor(this.#options.leaseTtl / 3))),
      onRecovered: () => {
        // Acquires that may have run in Redis while we could not tell: take them back out.
        const orphans = this.#orphans;
        this.#orphans = [];
        for (const id of orphans) this.#cancel(id, false);
      },
    });
    this.#waitList = new WaitList<RemoteWaiter>({ onExpired: this.#expire, onAborted: this.#abort });
    this.#subscriber = subscriberFor(this.#options.client);
    this.#subscriber.retain();
    void this.#subscriber.ready.then((ready) => {
      this.#subscriberReady = ready;
    });
    if (this.#options.localFallback !== undefined) {
      this.#fallback = new SemaphoreBulkhead(this.name, this.#options.localFallback);
    }
  }

  /** Last known cluster limit. */
  get maxConcurrent(): number {
    return this.#cluster.maxConcurrent;
  }

  /** Last known number of permits held over the cluster. */
  get activeCount(): number {
    return this.#cluster.activeCount;
  }

  /** Last known number of waiters over the cluster. */
  get waitingCount(): number {
    return this.#cluster.waitingCount;
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
    if (this.#availability.mode === 'unavailable') return this.#admitUnavailable(timeout, signal);
    return this.#acquireFromCluster(timeout, signal);
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
    this.#cluster = Object.freeze({ ...this.#cluster, maxConcurrent: limit });
    const result = this.#readState(String(limit)).then(() => undefined);
    result.catch(() => {});
    return result;
  }

  /** Reads the cluster state from Redis now and returns `getState()`. @throws {BulkheadUnavailableError} */
  async refreshState(): Promise<RedisBulkheadState> {
    await this.#readState('');
    return this.getState();
  }

  /**
   * Stops admitting: queued calls reject with `BulkheadClosedError` (and leave the Redis queue). Resolves once this
   * process's in-flight calls have released their permits; then closes the subscriber when no compartment uses it.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    for (const waiter of [...this.#waiters.values()]) {
      const state = waiter.state;
      this.#forget(waiter);
      waiter.reject(this.#ledger.closed(this.#waitTimeOf(waiter)));
      if (state === 'queued') this.#cancel(waiter.id, false);
    }
    this.#closing = (async () => {
      if (this.#localActive > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
      while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
      this.#renewal.stop();
      this.#availability.stop();
      await this.#fallback?.close();
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
    const cluster = this.#cluster;
    const base = createBulkheadState({
      name: this.name,
      type: this.type,
      maxConcurrent: cluster.maxConcurrent,
      activeCount: cluster.activeCount,
      waitingCount: cluster.waitingCount,
      maxQueue: this.#options.maxQueue,
      rejectedCount: this.#ledger.rejectedCount,
      admittedCount: this.#ledger.admittedCount,
      successfulCalls: this.#ledger.successfulCount,
      failedCalls: this.#ledger.failedCount,
      lastRejectionTime: this.#ledger.lastRejectionTime,
      closed: this.#closed,
    });
    return Object.freeze({
      ...base,
      cluster,
      local: { activeCount: this.#localActive, waitingCount: this.#waiters.size },
      mode: this.#availability.mode,
      leaseLostCount: this.#leaseLostCount,
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

  async #acquireFromCluster(timeout: number, signal: AbortSignal | undefined): Promise<RedisPermit> {
    const options = this.#options;
    const id = this.#subscriber.nextId();
    const wait = timeout === 0 ? 0 : Number.isFinite(timeout) ? Math.max(1, Math.ceil(timeout)) : -1;
    let waiter: RemoteWaiter | undefined;
    if (wait !== 0) {
      if (!this.#subscriberReady) await this.#awaitSubscriber();
      waiter = new RemoteWaiter(id, signal, now());
      this.#waiters.set(id, waiter);
      this.#subscriber.listen(id, (token) => this.#granted(id, token));
      this.#waitList.enqueue(waiter, timeout);
      this.#startRenewal();
    }
    let reply: unknown[];
    try {
      const sent = this.#run(ACQUIRE, [
        id,
        String(options.maxConcurrent),
        Number.isFinite(options.maxQueue) ? String(options.maxQueue) : '-1',
        String(options.leaseTtl),
        String(wait),
        this.#subscriber.channel,
      ]);
      this.#track(sent); // close() waits for it, and for the cancel a late answer may need
      reply = await sent;
    } catch (error) {
      this.#orphans.push(id);
      if (waiter !== undefined) {
        this.#forget(waiter);
        if (waiter.state === 'done') return waiter.promise;
        waiter.state = 'done';
      }
      if (!(error instanceof CommandFailure)) throw error;
      return this.#admitUnavailable(timeout, signal);
    }
    this.#observe(reply[2], reply[3], reply[4]);
    const verdict = Number(reply[0]);
    if (waiter === undefined) {
      if (verdict === 1 && this.#closed) {
        // Closed while the script was in flight: give the permit back at once.
        this.#cancel(id, false);
        return Promise.reject(this.#ledger.closed(0));
      }
      if (verdict === 1) return this.#grant(id, Number(reply[1]), 0);
      return Promise.reject(this.#ledger.full('queue_full', 0));
    }
    if (waiter.state === 'done') {
      // Settled (timeout, abort, close) while the script was in flight: take it back out of Redis.
      if (verdict !== 0) this.#cancel(id, false);
      return waiter.promise;
    }
    if (verdict === 1) {
      this.#forget(waiter);
      waiter.resolve(this.#grant(id, Number(reply[1]), this.#waitTimeOf(waiter)));
    } else if (verdict === 0) {
      this.#forget(waiter);
      waiter.reject(this.#ledger.full('queue_full', 0));
    } else {
      waiter.state = 'queued';
      if (waiter.grantedToken !== undefined) this.#granted(id, waiter.grantedToken);
    }
    return waiter.promise;
  }

  async #awaitSubscriber(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#options.commandTimeout);
    });
    this.#subscriberReady = await Promise.race([this.#subscriber.ready, timeout]);
    clearTimeout(timer);
  }

  /** A grant of waiter `id` (pub/sub or a renewal's answer). */
  #granted(id: string, token: number): void {
    const waiter = this.#waiters.get(id);
    if (waiter === undefined) return;
    if (waiter.state === 'sending') {
      waiter.grantedToken = token;
      return;
    }
    if (waiter.state !== 'queued') return;
    this.#forget(waiter);
    waiter.resolve(this.#grant(id, token, this.#waitTimeOf(waiter)));
  }

  readonly #expire = (waiter: RemoteWaiter): void => {
    if (waiter.state === 'done') return;
    const queued = waiter.state === 'queued';
    this.#forget(waiter);
    waiter.reject(this.#ledger.full('queue_timeout', this.#waitTimeOf(waiter)));
    if (queued) this.#cancel(waiter.id, true);
  };

  readonly #abort = (waiter: RemoteWaiter): void => {
    if (waiter.state === 'done' || waiter.signal === undefined) return;
    const queued = waiter.state === 'queued';
    this.#forget(waiter);
    waiter.reject(this.#ledger.aborted(waiter.signal, this.#waitTimeOf(waiter)));
    if (queued) this.#cancel(waiter.id, true);
  };

  #forget(waiter: RemoteWaiter): void {
    this.#waitList.remove(waiter);
    this.#waiters.delete(waiter.id);
    this.#subscriber.unlisten(waiter.id);
    this.#stopRenewalWhenIdle();
  }

  #grant(
    id: string,
    token: number | undefined,
    waitTime: number,
    admission: Admission = 'cluster',
    local?: Permit,
  ): RedisPermit {
    const grant = new Grant(id, token, admission, now(), waitTime, local);
    this.#localActive++;
    if (admission === 'cluster') {
      this.#grants.set(id, grant);
      this.#startRenewal();
    }
    this.#ledger.permitted(waitTime);
    return new GrantPermit(this.name, grant, this.#release);
  }

  readonly #release = (grant: Grant, outcome: CallOutcome): void => {
    this.#localActive--;
    this.#ledger.finished(outcome, this.#events.listeningFinished ? grant.admittedAt : -1, grant.waitTime);
    if (grant.admission === 'local') grant.localPermit?.release(outcome);
    if (grant.admission === 'cluster' && !grant.lost) {
      this.#grants.delete(grant.id);
      this.#stopRenewalWhenIdle();
      this.#track(
        this.#run(RELEASE, [grant.id]).then((reply) => this.#observe(reply[1], reply[2], reply[3])),
      );
    }
    if (this.#localActive === 0 && this.#idle.length > 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  };

  /** Withdraws a waiter (or releases its late grant) in the background. */
  #cancel(id: string, countRejection: boolean): void {
    this.#track(
      this.#run(CANCEL, [id, countRejection ? '1' : '0']).then((reply) =>
        this.#observe(reply[1], reply[2], reply[3]),
      ),
    );
  }

  /** Keeps a background command until it settles (close() waits for it); a failure marks Redis unavailable. */
  #track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => {});
    this.#pending.add(tracked);
    void tracked.then(() => this.#pending.delete(tracked));
  }

  /** Runs a script; a failure to reach Redis switches to the unavailable mode and rethrows. */
  async #run(script: Script, args: readonly string[]): Promise<unknown[]> {
    try {
      return await this.#runner.run(script, this.#keys, args);
    } catch (error) {
      if (error instanceof CommandFailure && !this.#closed) this.#availability.markUnavailable(error.cause);
      throw error;
    }
  }

  async #readState(limit: string): Promise<void> {
    const options = this.#options;
    let reply: unknown[];
    try {
      reply = await this.#run(STATE, [
        limit,
        String(options.maxConcurrent),
        Number.isFinite(options.maxQueue) ? String(options.maxQueue) : '-1',
      ]);
    } catch (error) {
      if (!(error instanceof CommandFailure)) throw error;
      throw new BulkheadUnavailableError(
        { bulkheadName: this.name, commandTimeout: options.commandTimeout },
        { cause: error.cause },
      );
    }
    this.#observe(reply[0], reply[1], reply[2], reply[3]);
  }

  #observe(limit: unknown, active: unknown, waiting: unknown, rejected?: unknown): void {
    this.#cluster = Object.freeze({
      maxConcurrent: Number(limit),
      activeCount: Number(active),
      waitingCount: Number(waiting),
      rejectedCount: rejected === undefined ? this.#cluster.rejectedCount : Number(rejected),
      readAt: Date.now(),
    });
  }

  // --- Leases: the renewal loop extends them (and the waiters) every leaseTtl / 3, in one script.

  #startRenewal(): void {
    this.#renewal.start();
  }

  #stopRenewalWhenIdle(): void {
    if (this.#grants.size === 0 && this.#waiters.size === 0) this.#renewal.stop();
  }

  #renewalHost(): RenewalHost {
    return {
      leaseTtl: this.#options.leaseTtl,
      heldLeases: () => [...this.#grants.values()],
      queuedWaiters: () => [...this.#waiters.values()].filter((waiter) => waiter.state === 'queued'),
      renew: (args) => this.#run(RENEW, args),
      observe: (limit, active, waiting) => this.#observe(limit, active, waiting),
      leaseLost: (grant) => this.#loseLease(grant),
      waiterGranted: (waiter, token) => this.#granted(waiter.id, token),
      waiterDropped: (waiter) => {
        this.#forget(waiter);
        waiter.reject(this.#ledger.full('queue_timeout', this.#waitTimeOf(waiter)));
      },
      waiterUnreachable: (waiter) => {
        this.#forget(waiter);
        this.#ledger.rejected('unavailable', this.#waitTimeOf(waiter));
        waiter.reject(this.#unavailableError(undefined));
      },
    };
  }

  #loseLease(grant: Grant): void {
    if (grant.lost) return;
    grant.lost = true;
    this.#grants.delete(grant.id);
    this.#leaseLostCount++;
    this.#stopRenewalWhenIdle();
    grant.controller.abort(
      new BulkheadLeaseLostError({ bulkheadName: this.name, fencingToken: grant.fencingToken ?? 0 }),
    );
  }

  // --- Unavailable mode: reject, admit locally or allow, until the availability probe finds Redis again.

  #unavailableError(cause: unknown): BulkheadUnavailableError {
    return new BulkheadUnavailableError(
      { bulkheadName: this.name, commandTimeout: this.#options.commandTimeout },
      cause === undefined ? {} : { cause },
    );
  }

  async #admitUnavailable(timeout: number, signal: AbortSignal | undefined): Promise<RedisPermit> {
    const mode: UnavailableMode = this.#options.onUnavailable;
    if (mode === 'allow') return this.#grant(this.#subscriber.nextId(), undefined, 0, 'allowed');
    if (mode === 'reject' || this.#fallback === undefined) {
      this.#ledger.rejected('unavailable', 0);
      return Promise.reject(this.#unavailableError(undefined));
    }
    const startedAt = now();
    try {
      const local = await this.#fallback.acquire(signal === undefined ? { timeout } : { timeout, signal });
      return this.#grant(this.#subscriber.nextId(), undefined, now() - startedAt, 'local', local);
    } catch (error) {
      if (BulkheadFullError.isInstance(error))
        throw this.#ledger.full(
          error.reason === 'queue_timeout' ? 'queue_timeout' : 'queue_full',
          now() - startedAt,
        );
      if (signal?.aborted) throw this.#ledger.aborted(signal, now() - startedAt);
      throw this.#ledger.closed(now() - startedAt);
    }
  }

  #waitTimeOf(waiter: RemoteWaiter): number {
    return now() - waiter.enqueuedAt;
  }
}
