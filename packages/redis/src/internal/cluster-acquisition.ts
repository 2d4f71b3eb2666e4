import { type AdmissionLedger, WaitList } from '@x/bulkhead-core/extension';
import type { ResolvedRedisBulkheadOptions } from '../redis-bulkhead-options.js';
import type { RedisPermit } from '../redis-permit.js';
import type { ClusterCommands } from './cluster-commands.js';
import type { GrantBook } from './grant-book.js';
import { ACQUIRE_SCRIPT } from './lua-scripts.js';
import { RemoteWaiter } from './remote-waiter.js';
import { CommandFailure, Script } from './script-runner.js';
import type { SharedSubscriber } from './shared-subscriber.js';
import type { UnavailableAdmission } from './unavailable-admission.js';

const ACQUIRE = new Script(ACQUIRE_SCRIPT);

const now = (): number => performance.now();

/** Options of `ClusterAcquisition`. */
export interface ClusterAcquisitionOptions {
  readonly options: ResolvedRedisBulkheadOptions;
  readonly ledger: AdmissionLedger;
  readonly commands: ClusterCommands;
  readonly grants: GrantBook;
  readonly subscriber: SharedSubscriber;
  readonly unavailable: UnavailableAdmission;
  readonly isClosed: () => boolean;
  /** A waiter is queued: the renewal loop must run. */
  readonly startRenewal: () => void;
  /** A lease or waiter is gone: the renewal loop may stop. */
  readonly stopRenewalWhenIdle: () => void;
}

/** Acquires through the cluster: one acquire script, then (with a timeout) waits in Redis, woken by pub/sub. */
export class ClusterAcquisition {
  readonly #settings: ClusterAcquisitionOptions;
  readonly #waiters = new Map<string, RemoteWaiter>();
  readonly #waitList: WaitList<RemoteWaiter>;
  #subscriberReady = false;

  constructor(settings: ClusterAcquisitionOptions) {
    this.#settings = settings;
    this.#waitList = new WaitList<RemoteWaiter>({ onExpired: this.#expire, onAborted: this.#abort });
    void settings.subscriber.ready.then((ready) => {
      this.#subscriberReady = ready;
    });
  }

  /** Waiters of this process. */
  get waitingCount(): number {
    return this.#waiters.size;
  }

  /** Waiters of this process queued in Redis. */
  queuedWaiters(): RemoteWaiter[] {
    return [...this.#waiters.values()].filter((waiter) => waiter.state === 'queued');
  }

  /** Acquires through Redis (queueing there when `timeout` > 0); falls back to the unavailable mode on failure. */
  async acquire(timeout: number, signal: AbortSignal | undefined): Promise<RedisPermit> {
    const { options, commands, grants, ledger, subscriber } = this.#settings;
    const id = subscriber.nextId();
    const wait = timeout === 0 ? 0 : Number.isFinite(timeout) ? Math.max(1, Math.ceil(timeout)) : -1;
    let waiter: RemoteWaiter | undefined;
    if (wait !== 0) {
      if (!this.#subscriberReady) await this.#awaitSubscriber();
      waiter = new RemoteWaiter(id, signal, now());
      this.#waiters.set(id, waiter);
      subscriber.listen(id, (token) => this.granted(id, token));
      this.#waitList.enqueue(waiter, timeout);
      this.#settings.startRenewal();
    }
    let reply: unknown[];
    try {
      const sent = commands.run(ACQUIRE, [
        id,
        String(options.maxConcurrent),
        Number.isFinite(options.maxQueue) ? String(options.maxQueue) : '-1',
        String(options.leaseTtl),
        String(wait),
        subscriber.channel,
      ]);
      commands.track(sent); // close() waits for it, and for the cancel a late answer may need
      reply = await sent;
    } catch (error) {
      commands.orphan(id);
      if (waiter !== undefined) {
        this.#forget(waiter);
        if (waiter.state === 'done') return waiter.promise;
        waiter.state = 'done';
      }
      if (!(error instanceof CommandFailure)) throw error;
      return this.#settings.unavailable.admit(timeout, signal);
    }
    commands.observe(reply[2], reply[3], reply[4]);
    const verdict = Number(reply[0]);
    if (waiter === undefined) {
      if (verdict === 1 && this.#settings.isClosed()) {
        // Closed while the script was in flight: give the permit back at once.
        commands.cancel(id, false);
        return Promise.reject(ledger.closed(0));
      }
      if (verdict === 1) return grants.grant(id, Number(reply[1]), 0);
      return Promise.reject(ledger.full('queue_full', 0));
    }
    if (waiter.state === 'done') {
      // Settled (timeout, abort, close) while the script was in flight: take it back out of Redis.
      if (verdict !== 0) commands.cancel(id, false);
      return waiter.promise;
    }
    if (verdict === 1) {
      this.#forget(waiter);
      waiter.resolve(grants.grant(id, Number(reply[1]), this.#waitTimeOf(waiter)));
    } else if (verdict === 0) {
      this.#forget(waiter);
      waiter.reject(ledger.full('queue_full', 0));
    } else {
      waiter.state = 'queued';
      if (waiter.grantedToken !== undefined) this.granted(id, waiter.grantedToken);
    }
    return waiter.promise;
  }

  /** A grant of waiter `id` (pub/sub or a renewal's answer). */
  granted(id: string, token: number): void {
    const waiter = this.#waiters.get(id);
    if (waiter === undefined) return;
    if (waiter.state === 'sending') {
      waiter.grantedToken = token;
      return;
    }
    if (waiter.state !== 'queued') return;
    this.#forget(waiter);
    waiter.resolve(this.#settings.grants.grant(id, token, this.#waitTimeOf(waiter)));
  }

  /** Redis dropped the waiter (its deadline passed there first). */
  dropped(waiter: RemoteWaiter): void {
    this.#forget(waiter);
    waiter.reject(this.#settings.ledger.full('queue_timeout', this.#waitTimeOf(waiter)));
  }

  /** Redis could not be reached and this waiter was not seen by it for `leaseTtl`. */
  unreachable(waiter: RemoteWaiter): void {
    this.#forget(waiter);
    this.#settings.ledger.rejected('unavailable', this.#waitTimeOf(waiter));
    waiter.reject(this.#settings.unavailable.error(undefined));
  }

  /** Rejects every waiter with `BulkheadClosedError` and takes the queued ones out of Redis. */
  closeAll(): void {
    for (const waiter of [...this.#waiters.values()]) {
      const state = waiter.state;
      this.#forget(waiter);
      waiter.reject(this.#settings.ledger.closed(this.#waitTimeOf(waiter)));
      if (state === 'queued') this.#settings.commands.cancel(waiter.id, false);
    }
  }

  async #awaitSubscriber(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#settings.options.commandTimeout);
    });
    this.#subscriberReady = await Promise.race([this.#settings.subscriber.ready, timeout]);
    clearTimeout(timer);
  }

  readonly #expire = (waiter: RemoteWaiter): void => {
    if (waiter.state === 'done') return;
    const queued = waiter.state === 'queued';
    this.#forget(waiter);
    waiter.reject(this.#settings.ledger.full('queue_timeout', this.#waitTimeOf(waiter)));
    if (queued) this.#settings.commands.cancel(waiter.id, true);
  };

  readonly #abort = (waiter: RemoteWaiter): void => {
    if (waiter.state === 'done' || waiter.signal === undefined) return;
    const queued = waiter.state === 'queued';
    this.#forget(waiter);
    waiter.reject(this.#settings.ledger.aborted(waiter.signal, this.#waitTimeOf(waiter)));
    if (queued) this.#settings.commands.cancel(waiter.id, true);
  };

  #forget(waiter: RemoteWaiter): void {
    this.#waitList.remove(waiter);
    this.#waiters.delete(waiter.id);
    this.#settings.subscriber.unlisten(waiter.id);
    this.#settings.stopRenewalWhenIdle();
  }

  #waitTimeOf(waiter: RemoteWaiter): number {
    return now() - waiter.enqueuedAt;
  }
}
