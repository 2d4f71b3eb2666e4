import { describe } from '../internal/validate.js';

/** Priority of a call: higher levels are served first. */
export type CallPriority = 'low' | 'normal' | 'high';

/** Order within a priority level. */
export type QueueOrder = 'fifo' | 'lifo';

/** What happens to a new waiter when the queue is full. */
export type QueueFullPolicy = 'reject-new' | 'drop-oldest';

/** The priority levels, lowest first (a level's index is what `priorityLevel` returns). */
export const PRIORITY_LEVELS: readonly CallPriority[] = ['low', 'normal', 'high'];

/** The choices of `queueOrder`, default first. */
export const QUEUE_ORDERS: readonly QueueOrder[] = ['fifo', 'lifo'];

/** The choices of `onQueueFull`, default first. */
export const QUEUE_FULL_POLICIES: readonly QueueFullPolicy[] = ['reject-new', 'drop-oldest'];

/**
 * Anti-starvation: every `STARVATION_INTERVAL`-th admission from one queue goes to its oldest waiter,
 * whatever its priority or the queue order, so any waiter is admitted within `STARVATION_INTERVAL` times
 * (the number of waiters older than it, plus one) admissions.
 */
export const STARVATION_INTERVAL = 4;

/**
 * Index of a priority level in `PRIORITY_LEVELS` (`undefined`: `normal`).
 * @throws {TypeError} naming `options.priority` when it is not a level.
 */
export function priorityLevel(priority: unknown): number {
  if (priority === undefined) return 1;
  const level = PRIORITY_LEVELS.indexOf(priority as CallPriority);
  if (level < 0) {
    throw new TypeError(
      `options.priority must be one of ${PRIORITY_LEVELS.join(', ')}, got ${describe(priority)}`,
    );
  }
  return level;
}
