import type { CallOutcome } from '@x/bulkhead-core';
import { type AdmissionLedger, PermitBase } from '@x/bulkhead-core/extension';
import type { SharedPermitTable } from './shared-permit-table.js';

/** A permit of a `SharedBulkhead`: gives its permit back through the holder slot it was counted in. */
export class SharedPermit extends PermitBase {
  readonly #table: SharedPermitTable;
  readonly #ledger: AdmissionLedger;
  readonly #slot: number;
  readonly #admittedAt: number;
  readonly #waitTime: number;

  constructor(
    bulkheadName: string,
    table: SharedPermitTable,
    ledger: AdmissionLedger,
    admittedAt: number,
    waitTime: number,
  ) {
    super(bulkheadName);
    this.#table = table;
    this.#ledger = ledger;
    this.#slot = table.slot;
    this.#admittedAt = admittedAt;
    this.#waitTime = waitTime;
  }

  protected onRelease(outcome: CallOutcome): void {
    this.#table.give(this.#slot);
    this.#ledger.finished(outcome, this.#admittedAt, this.#waitTime);
  }
}
