import type { CallPriority, QueueFullPolicy, QueueOrder } from '../index.js';
import { PRIORITY_LEVELS, STARVATION_INTERVAL } from '../waiting/queue-policy.js';
import type { CallKind } from './semaphore-operations.js';

/** What the model expects of a call. */
export type Expected =
  | { status: 'pending' }
  | { status: 'fulfilled' }
  | { status: 'rejected'; reason: 'queue_full' | 'queue_timeout' | 'shutdown' | 'dropped' }
  | { status: 'rejected'; error: unknown };

interface ModelWaiter {
  readonly id: number;
  readonly kind: CallKind;
  readonly deadline: number;
  /** Index in `PRIORITY_LEVELS`. */
  readonly level: number;
}

/**
 * The specification: a counter, a list of waiters and the rules of the issues, nothing else. The next waiter
 * is the oldest of all on every STARVATION_INTERVAL-th admission, else the oldest (fifo) or newest (lifo) of
 * the highest level waiting; a full queue rejects the newcomer, or (drop-oldest) the oldest waiter.
 */
export class Model {
  active = 0;
  /** Admissions from the queue so far (the anti-starvation rule counts them). */
  admissions = 0;
  /** True when every call so far had priority normal. */
  singleLevel = true;
  rejected = 0;
  closed = false;
  readonly queue: ModelWaiter[] = [];
  readonly grants: number[] = [];
  readonly expected = new Map<number, Expected>();
  readonly holders = new Map<number, CallKind>();
  readonly businessErrors = new Map<number, Error>();

  constructor(
    public limit: number,
    readonly maxQueue: number,
    readonly queueOrder: QueueOrder,
    readonly onQueueFull: QueueFullPolicy,
  ) {}

  /** Mirrors acquire/execute: immediate grant, immediate rejection, or a place in the queue. */
  arrive(
    id: number,
    kind: CallKind,
    timeout: number | undefined,
    now: number,
    priority: CallPriority = 'normal',
  ): void {
    if (priority !== 'normal') this.singleLevel = false;
    if (this.closed) {
      this.reject(id, { status: 'rejected', reason: 'shutdown' });
    } else if (this.active < this.limit && this.queue.length === 0) {
      this.grant(id, kind);
    } else if (timeout === undefined || timeout === 0) {
      this.reject(id, { status: 'rejected', reason: 'queue_full' });
    } else if (
      this.queue.length >= this.maxQueue &&
      (this.onQueueFull === 'reject-new' || this.queue.length === 0)
    ) {
      this.reject(id, { status: 'rejected', reason: 'queue_full' });
    } else {
      if (this.queue.length >= this.maxQueue) {
        const oldest = this.take(this.oldestIndex());
        this.reject(oldest.id, { status: 'rejected', reason: 'dropped' });
      }
      this.queue.push({ id, kind, deadline: now + timeout, level: PRIORITY_LEVELS.indexOf(priority) });
      this.expected.set(id, { status: 'pending' });
    }
  }

  /** Ids grow with arrival, so the oldest waiter has the smallest id. */
  oldestIndex(): number {
    let oldest = 0;
    for (let index = 1; index < this.queue.length; index++) {
      if (this.queue[index]!.id < this.queue[oldest]!.id) oldest = index;
    }
    return oldest;
  }

  /** The index of the waiter to admit next (the queue is not empty). */
  nextIndex(): number {
    if ((this.admissions + 1) % STARVATION_INTERVAL === 0) return this.oldestIndex();
    const top = Math.max(...this.queue.map((waiter) => waiter.level));
    let chosen = -1;
    for (const [index, waiter] of this.queue.entries()) {
      if (waiter.level !== top) continue;
      const better =
        chosen === -1 ||
        (this.queueOrder === 'fifo'
          ? waiter.id < this.queue[chosen]!.id
          : waiter.id > this.queue[chosen]!.id);
      if (better) chosen = index;
    }
    return chosen;
  }

  take(index: number): ModelWaiter {
    return this.queue.splice(index, 1)[0]!;
  }

  grant(id: number, kind: CallKind): void {
    this.grants.push(id);
    if (kind === 'executeThrow') {
      // fn throws at once: the permit comes straight back.
      this.expected.set(id, { status: 'rejected', error: this.businessErrors.get(id) });
      this.admit();
      return;
    }
    this.active++;
    this.holders.set(id, kind);
    this.expected.set(id, { status: kind === 'acquire' ? 'fulfilled' : 'pending' });
  }

  reject(id: number, expected: Expected): void {
    this.rejected++;
    this.expected.set(id, expected);
  }

  admit(): void {
    while (!this.closed && this.active < this.limit && this.queue.length > 0) {
      const next = this.take(this.nextIndex());
      this.admissions++;
      this.grant(next.id, next.kind);
    }
  }

  release(id: number): void {
    const kind = this.holders.get(id);
    if (kind === undefined) return;
    this.holders.delete(id);
    if (kind === 'executeHold') this.expected.set(id, { status: 'fulfilled' });
    this.active--;
    this.admit();
  }

  expire(now: number): void {
    for (let index = 0; index < this.queue.length; ) {
      const waiter = this.queue[index]!;
      if (waiter.deadline <= now) {
        this.queue.splice(index, 1);
        this.reject(waiter.id, { status: 'rejected', reason: 'queue_timeout' });
      } else index++;
    }
  }

  abort(id: number, reason: unknown): void {
    const index = this.queue.findIndex((waiter) => waiter.id === id);
    if (index === -1) return;
    this.queue.splice(index, 1);
    this.reject(id, { status: 'rejected', error: reason });
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.queue.splice(0))
      this.reject(waiter.id, { status: 'rejected', reason: 'shutdown' });
  }
}
