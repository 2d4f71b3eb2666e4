import type { CallOutcome } from '../bulkhead.js';
import type { Permit } from '../permit.js';
import { PermitBase } from '../permit-base.js';

/** What gives a slot's permit back. */
export interface SlotOwner<Slot> {
  readonly name: string;
  releaseSlot(slot: Slot, admittedAt: number, waitTime: number, outcome: CallOutcome): void;
}

/**
 * A permit of one slot (a partition or a key's compartment), on core's `PermitBase` (released exactly once).
 * An `inner` permit (a chained global bulkhead's) is released first, in the same call.
 */
export class SlotPermit<Slot> extends PermitBase {
  readonly #owner: SlotOwner<Slot>;
  readonly #slot: Slot;
  readonly #admittedAt: number;
  readonly #waitTime: number;
  readonly #inner: Permit | undefined;

  constructor(owner: SlotOwner<Slot>, slot: Slot, admittedAt: number, waitTime: number, inner?: Permit) {
    super(owner.name);
    this.#owner = owner;
    this.#slot = slot;
    this.#admittedAt = admittedAt;
    this.#waitTime = waitTime;
    this.#inner = inner;
  }

  protected onRelease(outcome: CallOutcome): void {
    try {
      this.#inner?.release(outcome);
    } finally {
      this.#owner.releaseSlot(this.#slot, this.#admittedAt, this.#waitTime, outcome);
    }
  }
}
