import { BulkheadClosedError, BulkheadFullError, constructError } from './errors.js';
import type { BulkheadEventEmitter, EventLabel } from './events.js';
import { now } from './internal/clock.js';
import type { BulkheadStateInput } from './state.js';
import type { BulkheadType, CallOutcome, RejectionReason } from './vocabulary.js';

/** What a ledger reads from its bulkhead when it reports a verdict (read lazily, at the moment of the verdict). */
export interface AdmissionSubject {
  readonly name: string;
  readonly type: BulkheadType;
  readonly maxConcurrent: number;
  readonly activeCount: number;
  readonly waitingCount: number;
}

/** The call counters a ledger contributes to a bulkhead's state. */
export type LedgerStateCounts = Pick<
  BulkheadStateInput,
  'rejectedCount' | 'admittedCount' | 'successfulCalls' | 'failedCalls' | 'lastRejectionTime'
>;

/** Options of `AdmissionLedger`. */
export interface AdmissionLedgerOptions {
  readonly subject: AdmissionSubject;
  readonly events: BulkheadEventEmitter;
  /** Whether rejection errors capture a stack trace. */
  readonly captureStackTrace: boolean;
  /** Counts a rejection somewhere else (e.g. in shared memory); by default the ledger keeps the count itself. */
  readonly countRejection?: () => void;
}

/**
 * The verdict bookkeeping every kind of bulkhead shares: the `permitted`, `rejected` and `finished` events
 * (built only when listened to), the rejection count and time, and the rejection errors (stackless by default).
 */
export class AdmissionLedger {
  /** Rejections counted by this ledger (unless `countRejection` was given). */
  rejectedCount = 0;
  /** Epoch milliseconds of the last rejection counted by this ledger, or `null`. */
  lastRejectionTime: number | null = null;
  /** Calls admitted through this ledger. */
  admittedCount = 0;
  /** Admitted calls that ended with outcome `success`. */
  successfulCount = 0;
  /** Admitted calls that ended with outcome `failure` or `timeout`. */
  failedCount = 0;
  /** Admitted calls that ended with outcome `timeout`. */
  timedOutCount = 0;
  readonly #subject: AdmissionSubject;
  readonly #events: BulkheadEventEmitter;
  readonly #captureStackTrace: boolean;
  readonly #countRejection: (() => void) | undefined;

  constructor(options: AdmissionLedgerOptions) {
    this.#subject = options.subject;
    this.#events = options.events;
    this.#captureStackTrace = options.captureStackTrace;
    this.#countRejection = options.countRejection;
  }

  /** The call counters of a `BulkheadStateInput` (rejections as this ledger counted them). */
  stateCounts(): LedgerStateCounts {
    return {
      rejectedCount: this.rejectedCount,
      admittedCount: this.admittedCount,
      successfulCalls: this.successfulCount,
      failedCalls: this.failedCount,
      lastRejectionTime: this.lastRejectionTime,
    };
  }

  /** Counts an admission and sends `permitted` (with `label`'s partition or key) when somebody listens to it. */
  permitted(waitTime: number, label?: EventLabel): void {
    this.admittedCount++;
    if (!this.#events.listeningPermitted) return;
    const subject = this.#subject;
    this.#events.emit(
      'permitted',
      labelled(
        {
          bulkheadName: subject.name,
          bulkheadType: subject.type,
          waitTime,
          activeCount: subject.activeCount,
        },
        label,
      ),
    );
  }

  /**
   * Counts the outcome, and sends `finished` for a call admitted at `admittedAt` (ms, from `performance.now()`), when somebody
   * listens to it; `admittedAt` < 0 marks a call admitted while nobody listened (no event).
   */
  finished(outcome: CallOutcome, admittedAt: number, waitTime: number, label?: EventLabel): void {
    if (outcome === 'success') this.successfulCount++;
    else {
      this.failedCount++;
      if (outcome === 'timeout') this.timedOutCount++;
    }
    if (admittedAt < 0 || !this.#events.listeningFinished) return;
    this.#events.emit(
      'finished',
      labelled(
        {
          bulkheadName: this.#subject.name,
          bulkheadType: this.#subject.type,
          outcome,
          duration: now() - admittedAt,
          waitTime,
        },
        label,
      ),
    );
  }

  /** Counts a rejection and sends `rejected` (with `label`'s partition or key) when somebody listens to it. */
  rejected(reason: RejectionReason, waitTime: number, label?: EventLabel): void {
    if (this.#countRejection === undefined) {
      this.rejectedCount++;
      this.lastRejectionTime = Date.now();
    } else {
      this.#countRejection();
    }
    if (!this.#events.listeningRejected) return;
    const subject = this.#subject;
    this.#events.emit(
      'rejected',
      labelled(
        {
          bulkheadName: subject.name,
          bulkheadType: subject.type,
          reason,
          waitTime,
          activeCount: subject.activeCount,
          waitingCount: subject.waitingCount,
        },
        label,
      ),
    );
  }

  /**
   * Records a `queue_full`/`queue_timeout` rejection, or a waiter shed by `onQueueFull: 'drop-oldest'`
   * (`dropped`), and returns its `BulkheadFullError`.
   */
  full(
    reason: 'queue_full' | 'queue_timeout' | 'dropped',
    waitTime: number,
    label?: EventLabel,
  ): BulkheadFullError {
    this.rejected(reason, waitTime, label);
    const subject = this.#subject;
    const details = {
      bulkheadName: subject.name,
      bulkheadType: subject.type,
      maxConcurrent: subject.maxConcurrent,
      activeCount: subject.activeCount,
      reason,
    };
    return constructError(this.#captureStackTrace, () => new BulkheadFullError(details));
  }

  /** Records a `shutdown` rejection and returns its error. */
  closed(waitTime: number, label?: EventLabel): BulkheadClosedError {
    this.rejected('shutdown', waitTime, label);
    const details = { bulkheadName: this.#subject.name };
    return constructError(this.#captureStackTrace, () => new BulkheadClosedError(details));
  }

  /** Records an `aborted` rejection and returns the signal's reason (what the caller is rejected with). */
  aborted(signal: AbortSignal, waitTime: number, label?: EventLabel): unknown {
    this.rejected('aborted', waitTime, label);
    return signal.reason;
  }
}

/** `payload` with the partition or key of `label` (when it has one). */
function labelled<Payload extends object>(
  payload: Payload,
  label: EventLabel | undefined,
): Payload & EventLabel {
  if (label === undefined) return payload;
  const result: Payload & { partition?: string; key?: string } = payload;
  if (label.partition !== undefined) result.partition = label.partition;
  if (label.key !== undefined) result.key = label.key;
  return result;
}
