import type { DeadlineList, DeadlineNode } from '../internal/deadline-scheduler.js';

/** Set by `WaitList`: what an entry's abort listener calls (kept off the entry so it costs no field). */
let abortEntry: (entry: WaitEntry) => void = () => {};

/** Installs the abort handler of `WaitList` (called once, from its static block). */
export function installAbortHandler(handler: (entry: WaitEntry) => void): void {
  abortEntry = handler;
}

/**
 * The base of what a `WaitList` queues: a bulkhead extends it with its own fields (the settle functions,
 * the task). The queue and deadline links live on the entry itself, so waiting allocates nothing else,
 * and the entry is its own abort listener (`handleEvent`), so waiting with a signal allocates no closure.
 */
export class WaitEntry implements DeadlineNode {
  /** @internal Queue link, owned by the list. */
  previous: WaitEntry | undefined = undefined;
  /** @internal Queue link, owned by the list. */
  next: WaitEntry | undefined = undefined;
  /** @internal The list the entry waits in, or `undefined` when it is not queued. */
  waitList: object | undefined = undefined;
  /** @internal Deadline link, owned by the list's scheduler. */
  deadlinePrevious: DeadlineNode | undefined = undefined;
  /** @internal Deadline link, owned by the list's scheduler. */
  deadlineNext: DeadlineNode | undefined = undefined;
  /** @internal The per-timeout list of the scheduler, while a deadline is pending. */
  deadlineList: DeadlineList | undefined = undefined;

  /**
   * @param signal aborting it while the entry waits removes the entry and calls the list's `onAborted`.
   * @param enqueuedAt `performance.now()` when the wait began; required (>= 0) when the entry gets a finite
   * timeout, else may be -1 (not measured).
   */
  constructor(
    readonly signal: AbortSignal | undefined,
    readonly enqueuedAt: number,
  ) {}

  /** True while the entry waits in a list. */
  get queued(): boolean {
    return this.waitList !== undefined;
  }

  /** @internal The abort listener (an `EventListenerObject`). */
  handleEvent(): void {
    abortEntry(this);
  }
}
