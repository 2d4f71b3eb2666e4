import type { TransferListItem } from 'node:worker_threads';
import type { QueueNode } from '@x/bulkhead-core/extension';

/** What a `ThreadPoolBulkhead` call holds a slot for. */
export const JobKind = { Task: 0, Function: 1, Permit: 2 } as const;
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

/** One call of a `ThreadPoolBulkhead`: queue links, deadline, abort listener and settlement. */
export class Job implements QueueNode {
  previous: QueueNode | undefined = undefined;
  next: QueueNode | undefined = undefined;
  queued = false;
  settled = false;
  enqueuedAt = -1;
  admittedAt = -1;
  waitTime = 0;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  controller: AbortController | undefined = undefined;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  constructor(
    readonly kind: JobKind,
    /** The task as sent (with its context when captured), or the function to run. */
    readonly payload: unknown,
    /** Piscina run options naming the handler of a task (shared, frozen). */
    readonly runOptions: { readonly name: string } | undefined,
    readonly transferList: readonly TransferListItem[] | undefined,
    readonly signal: AbortSignal | undefined,
    readonly timeout: number | undefined,
  ) {}
}
