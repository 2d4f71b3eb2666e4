import { PermitBase } from '../permit-base.js';
import type { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import type { CallOutcome } from '../vocabulary.js';

/** What a released `SemaphorePermit` calls: the bulkhead's slot release. */
export type SemaphoreRelease = (
  bulkhead: SemaphoreBulkhead,
  admittedAt: number,
  waitTime: number,
  outcome: CallOutcome,
) => void;

let releaseSlot: SemaphoreRelease = () => {};

/** Installs the release of `SemaphoreBulkhead` (called once, from its static block: it reaches a private method). */
export function installSemaphoreRelease(release: SemaphoreRelease): void {
  releaseSlot = release;
}

/** The permit of a `SemaphoreBulkhead`: its release gives the slot back with the admission time and wait. */
export class SemaphorePermit extends PermitBase {
  readonly #bulkhead: SemaphoreBulkhead;
  readonly #admittedAt: number;
  readonly #waitTime: number;

  /**
   * @param admittedAt `performance.now()` at admission, or -1 when nobody listened to `finished`.
   * @param waitTime ms the call waited in the queue.
   */
  constructor(bulkhead: SemaphoreBulkhead, admittedAt: number, waitTime: number) {
    super(bulkhead.name);
    this.#bulkhead = bulkhead;
    this.#admittedAt = admittedAt;
    this.#waitTime = waitTime;
  }

  protected onRelease(outcome: CallOutcome): void {
    releaseSlot(this.#bulkhead, this.#admittedAt, this.#waitTime, outcome);
  }
}
