import type { Grant } from '../redis-permit.js';
import type { RemoteWaiter } from './remote-waiter.js';

/** What the renewal loop asks of its compartment and tells it. */
export interface RenewalHost {
  readonly leaseTtl: number;
  /** Leases of this process to extend. */
  heldLeases(): Grant[];
  /** Waiters of this process queued in Redis (their liveness is extended; a lost wake-up is caught here). */
  queuedWaiters(): RemoteWaiter[];
  /** Runs the renew script with these arguments (rejects when Redis cannot be reached). */
  renew(args: readonly string[]): Promise<unknown[]>;
  /** The cluster numbers of the answer: limit, active, waiting. */
  observe(limit: unknown, active: unknown, waiting: unknown): void;
  leaseLost(grant: Grant): void;
  waiterGranted(waiter: RemoteWaiter, token: number): void;
  /** Redis dropped the waiter (its deadline passed there first). */
  waiterDropped(waiter: RemoteWaiter): void;
  /** Redis could not be reached and this waiter was not seen by it for `leaseTtl`. */
  waiterUnreachable(waiter: RemoteWaiter): void;
}

const now = (): number => performance.now();

/**
 * Extends every lease and waiter of one compartment in one script, every `leaseTtl / 3` while it has any.
 * A lease found expired, or not extended for `leaseTtl` because Redis did not answer, is lost.
 */
export class RenewalLoop {
  readonly #host: RenewalHost;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: RenewalHost) {
    this.#host = host;
  }

  /** Starts the timer (idempotent); it does not keep the process alive. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.#renew(), Math.max(1, Math.floor(this.#host.leaseTtl / 3)));
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #renew(): Promise<void> {
    const host = this.#host;
    const grants = host.heldLeases();
    const waiters = host.queuedWaiters();
    if (grants.length === 0 && waiters.length === 0) return;
    const startedAt = now();
    let reply: unknown[];
    try {
      reply = await host.renew([
        String(host.leaseTtl),
        String(grants.length),
        ...grants.map((grant) => grant.id),
        ...waiters.map((waiter) => waiter.id),
      ]);
    } catch {
      this.#expireUnrenewed();
      return;
    }
    host.observe(reply[0], reply[1], reply[2]);
    for (const [index, grant] of grants.entries()) {
      if (Number(reply[3 + index]) === 1) grant.renewedAt = startedAt;
      else host.leaseLost(grant);
    }
    for (const [index, waiter] of waiters.entries()) {
      const answer = Number(reply[3 + grants.length + index]);
      if (waiter.state !== 'queued') continue;
      if (answer > 0) host.waiterGranted(waiter, answer);
      else if (answer === 0) host.waiterDropped(waiter);
    }
  }

  /** Renewal failed: leases not extended for `leaseTtl` are lost, waiters not seen for as long give up. */
  #expireUnrenewed(): void {
    const host = this.#host;
    const limit = now() - host.leaseTtl;
    for (const grant of host.heldLeases()) if (grant.renewedAt <= limit) host.leaseLost(grant);
    for (const waiter of host.queuedWaiters()) if (waiter.enqueuedAt <= limit) host.waiterUnreachable(waiter);
  }
}
