import type { CallOutcome } from '../bulkhead.js';
import type { Permit } from '../permit.js';

/** What gives a slot's permit back. */
export interface SlotOwner<Slot> {
  readonly name: string;
  releaseSlot(slot: Slot, admittedAt: number, waitTime: number, outcome: CallOutcome): void;
}

/**
 * A permit of one slot (a partition or a key's compartment); released exactly once. An `inner` permit
 * (a chained global bulkhead's) is released first, in the same call.
 */
export class SlotPermit<Slot> implements Permit {
  readonly #owner: SlotOwner<Slot>;
  readonly #slot: Slot;
  readonly #admittedAt: number;
  readonly #waitTime: number;
  readonly #inner: Permit | undefined;
  #released = false;

  constructor(owner: SlotOwner<Slot>, slot: Slot, admittedAt: number, waitTime: number, inner?: Permit) {
    this.#owner = owner;
    this.#inner = inner;
    this.#slot = slot;
    this.#admittedAt = admittedAt;
    this.#waitTime = waitTime;
  }

  get bulkheadName(): string {
    return this.#owner.name;
  }

  get released(): boolean {
    return this.#released;
  }

  release(outcome: CallOutcome = 'success'): void {
    if (this.#released) return;
    this.#released = true;
    try {
      this.#inner?.release(outcome);
    } finally {
      this.#owner.releaseSlot(this.#slot, this.#admittedAt, this.#waitTime, outcome);
    }
  }

  [Symbol.dispose](): void {
    this.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}
