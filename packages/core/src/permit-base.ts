import type { Permit } from './permit.js';
import type { CallOutcome } from './vocabulary.js';

/**
 * The `Permit` every kind of bulkhead hands out: released exactly once (later calls do nothing), disposable
 * (`using` / `await using`), and named after its bulkhead. A subclass implements `onRelease` only.
 */
export abstract class PermitBase implements Permit {
  /** Name of the bulkhead that granted it (stays after release). */
  readonly bulkheadName: string;
  #released = false;

  constructor(bulkheadName: string) {
    this.bulkheadName = bulkheadName;
  }

  /** True once released. */
  get released(): boolean {
    return this.#released;
  }

  /** Returns the slot with `outcome` (default `success`); only the first call reaches `onRelease`. */
  release(outcome: CallOutcome = 'success'): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease(outcome);
  }

  /** Gives the slot back to the bulkhead; called exactly once, by the first `release()`. */
  protected abstract onRelease(outcome: CallOutcome): void;

  /** Releases (for `using`). */
  [Symbol.dispose](): void {
    this.release();
  }

  /** Releases (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}
