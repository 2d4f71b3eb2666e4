import { WaitList, type WaitListOptions } from '../waiting/wait-list.js';
import type { QueuedCall } from './queued-call.js';

/** Priority of a call: higher levels are served first. */
export type CallPriority = 'low' | 'normal' | 'high';

/** Order within a priority level. */
export type QueueOrder = 'fifo' | 'lifo';

/** What happens to a new waiter when the queue is full. */
export type QueueFullPolicy = 'reject-new' | 'drop-oldest';

const LEVELS: readonly CallPriority[] = ['low', 'normal', 'high'];

/** Index of a priority level (`undefined`: `normal`), or -1 when it is not one. */
export function priorityLevel(priority: unknown): number {
  if (priority === undefined) return 1;
  return LEVELS.indexOf(priority as CallPriority);
}

/**
 * Anti-starvation: every `STARVATION_INTERVAL`-th admission from one compartment goes to its oldest waiter,
 * whatever its priority or the queue order, so any waiter is admitted within `STARVATION_INTERVAL` times
 * (the number of waiters older than it, plus one) admissions.
 */
export const STARVATION_INTERVAL = 4;

/**
 * The waiters of one compartment: one core `WaitList` per priority level (timers and aborts stay there),
 * served highest level first, FIFO or LIFO within a level, with the anti-starvation rule above. LIFO keeps
 * a stack per level beside the list (entries that left the list are skipped and compacted lazily).
 */
export class OrderedWaiters<Home> {
  readonly #levels: Array<WaitList<QueuedCall<Home>>>;
  readonly #stacks: Array<Array<QueuedCall<Home>>> | undefined;
  #admissions = 0;

  constructor(order: QueueOrder, options: WaitListOptions<QueuedCall<Home>>) {
    this.#levels = LEVELS.map(() => new WaitList(options));
    this.#stacks = order === 'lifo' ? LEVELS.map(() => []) : undefined;
  }

  get size(): number {
    return this.#levels[0]!.size + this.#levels[1]!.size + this.#levels[2]!.size;
  }

  /** Queues `call` at `level` (see `priorityLevel`) with `timeout` ms. */
  enqueue(call: QueuedCall<Home>, level: number, timeout: number): void {
    this.#levels[level]!.enqueue(call, timeout);
    const stack = this.#stacks?.[level];
    if (stack === undefined) return;
    // Drop entries that already left (expired, aborted) once they are half the stack.
    if (stack.length >= 32 && stack.length > 2 * this.#levels[level]!.size) {
      const live = stack.filter((entry) => entry.queued);
      stack.length = 0;
      stack.push(...live);
    }
    stack.push(call);
  }

  /** The call that would be admitted next, without removing it. */
  peekNext(): QueuedCall<Home> | undefined {
    if ((this.#admissions + 1) % STARVATION_INTERVAL === 0) return this.oldest();
    for (let level = LEVELS.length - 1; level >= 0; level--) {
      const list = this.#levels[level]!;
      if (list.size === 0) continue;
      const stack = this.#stacks?.[level];
      if (stack === undefined) return list.peek();
      while (stack.length > 0 && !stack[stack.length - 1]!.queued) stack.pop();
      return stack[stack.length - 1];
    }
    return undefined;
  }

  /** Removes and returns the call to admit next (counted for the anti-starvation rule). */
  shift(): QueuedCall<Home> | undefined {
    const call = this.peekNext();
    if (call === undefined) return undefined;
    this.remove(call);
    this.#admissions++;
    return call;
  }

  /** The waiter that arrived first, across levels. */
  oldest(): QueuedCall<Home> | undefined {
    let oldest: QueuedCall<Home> | undefined;
    for (const list of this.#levels) {
      const head = list.peek();
      if (head !== undefined && (oldest === undefined || head.sequence < oldest.sequence)) oldest = head;
    }
    return oldest;
  }

  /** Removes `call` (admitted or shed). */
  remove(call: QueuedCall<Home>): void {
    for (const list of this.#levels) if (list.remove(call)) break;
    const stack = this.#stacks?.find((entries) => entries[entries.length - 1] === call);
    stack?.pop();
  }

  /** Removes every waiter and returns them (oldest first within a level). */
  detachAll(): Array<QueuedCall<Home>> {
    const detached = this.#levels.flatMap((list) => list.detachAll());
    if (this.#stacks !== undefined) for (const stack of this.#stacks) stack.length = 0;
    return detached;
  }
}
