import type { Permit } from '@x/bulkhead-core';
import { type AdmissionLedger, WaitEntry, WaitList } from '@x/bulkhead-core/extension';
import { now } from './clock.js';
import { FULL, SHUT, type SharedPermitTable, TAKEN, type TakeResult } from './shared-permit-table.js';

/** A caller of this thread waiting for a permit of a `SharedBulkhead`. */
class SharedWaiter extends WaitEntry {
  resolve!: (permit: Permit) => void;
  reject!: (error: unknown) => void;
}

/** What the queue needs of its bulkhead: one attempt at a permit, and a permit for a waiter that got one. */
export interface SharedWaitQueueOptions {
  readonly table: SharedPermitTable;
  readonly ledger: AdmissionLedger;
  readonly eventLoop: EventLoopHold;
  /** One attempt for this thread; throws when every holder slot belongs to another thread. */
  readonly take: () => TakeResult;
  readonly grant: (waitTime: number) => Permit;
}

const KEEP_ALIVE_INTERVAL = 2 ** 30;

function keepAlive(): void {
  // Never fires in practice; the interval only keeps the event loop alive.
}

/**
 * A pending `Atomics.waitAsync` does not keep a thread alive, yet the release it waits for comes from
 * another thread: hold the event loop open (one idle interval) while this thread waits.
 */
export class EventLoopHold {
  #interval: ReturnType<typeof setInterval> | undefined = undefined;
  #users = 0;

  hold(): void {
    if (this.#users++ === 0) this.#interval = setInterval(keepAlive, KEEP_ALIVE_INTERVAL);
  }

  release(): void {
    if (--this.#users === 0) {
      clearInterval(this.#interval);
      this.#interval = undefined;
    }
  }
}

/**
 * This thread's async waiters of one `SharedBulkhead`: core's `WaitList` (FIFO, deadlines, aborts),
 * counted in the shared `WAITING` total, and served by one loop that sleeps on `Atomics.waitAsync`
 * until some thread releases or closes.
 */
export class SharedWaitQueue {
  readonly #options: SharedWaitQueueOptions;
  readonly #list: WaitList<SharedWaiter>;
  #pumping = false;

  constructor(options: SharedWaitQueueOptions) {
    this.#options = options;
    const { table, ledger } = options;
    this.#list = new WaitList<SharedWaiter>({
      onExpired: (waiter) => {
        table.addWaiting(-1);
        waiter.reject(ledger.full('queue_timeout', now() - waiter.enqueuedAt));
      },
      onAborted: (waiter) => {
        table.addWaiting(-1);
        waiter.reject(ledger.aborted(waiter.signal!, now() - waiter.enqueuedAt));
      },
    });
  }

  /** Waiters of this thread. */
  get size(): number {
    return this.#list.size;
  }

  /** Waits up to `timeout` ms (`Infinity`: no timer) for a permit; `signal` removes the waiter. */
  enqueue(timeout: number, signal: AbortSignal | undefined): Promise<Permit> {
    const waiter = new SharedWaiter(signal, now());
    const promise = new Promise<Permit>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.#list.enqueue(waiter, timeout);
    this.#options.table.addWaiting(1);
    void this.#pump();
    return promise;
  }

  /** Rejects every waiter of this thread with `BulkheadClosedError` (detached first, then settled). */
  rejectAll(): void {
    const { table, ledger } = this.#options;
    for (const waiter of this.#list.detachAll()) {
      table.addWaiting(-1);
      waiter.reject(ledger.closed(now() - waiter.enqueuedAt));
    }
  }

  /** One loop per thread and bulkhead: hand free permits to the head waiters, then sleep until a release. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    const { table, eventLoop } = this.#options;
    eventLoop.hold();
    table.addSleeper(1);
    try {
      while (this.#list.size > 0) {
        const seen = table.signal;
        this.#serve();
        if (this.#list.size === 0) break;
        await table.sleepAsync(seen);
      }
    } finally {
      table.addSleeper(-1);
      this.#pumping = false;
      eventLoop.release();
    }
  }

  #serve(): void {
    const { table, ledger, take, grant } = this.#options;
    for (let waiter = this.#list.peek(); waiter !== undefined; waiter = this.#list.peek()) {
      let taken: TakeResult;
      try {
        taken = take();
      } catch (error) {
        this.#list.remove(waiter);
        table.addWaiting(-1);
        waiter.reject(error);
        continue;
      }
      if (taken === FULL) return;
      this.#list.remove(waiter);
      table.addWaiting(-1);
      if (taken === TAKEN) {
        waiter.resolve(grant(now() - waiter.enqueuedAt));
      } else {
        waiter.reject(ledger.closed(now() - waiter.enqueuedAt));
        this.rejectAll();
        return;
      }
    }
  }
}

/**
 * `acquireSync()`: blocks this (worker) thread on `Atomics.wait` until a permit is free, up to
 * `timeout` ms (`undefined` or 0: one attempt). The thread counts as waiting and sleeping meanwhile,
 * in its holder slot, so a thread terminated here is taken out of both counts by `reclaim()`.
 * @throws {BulkheadFullError} `queue_full` or `queue_timeout`; {BulkheadClosedError} once closed.
 */
export function acquireBlocking(options: SharedWaitQueueOptions, timeout: number | undefined): Permit {
  const { table, ledger, take, grant } = options;
  const start = timeout === undefined || timeout === 0 ? 0 : now();
  let waiting = false;
  try {
    for (;;) {
      const seen = table.signal;
      const taken = take();
      const waited = start === 0 ? 0 : now() - start;
      if (taken === TAKEN) return grant(waited);
      if (taken === SHUT) throw ledger.closed(waited);
      if (timeout === undefined || timeout === 0) throw ledger.full('queue_full', 0);
      const remaining = timeout - waited;
      if (remaining <= 0) throw ledger.full('queue_timeout', waited);
      if (!waiting) {
        waiting = true;
        table.addWaiting(1);
        table.addSleeper(1);
      }
      table.sleep(seen, remaining);
    }
  } finally {
    if (waiting) {
      table.addSleeper(-1);
      table.addWaiting(-1);
    }
  }
}
