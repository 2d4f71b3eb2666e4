import { BulkheadClosedError, BulkheadFullError, constructError } from './errors.js';
import type { BulkheadEventEmitter } from './events.js';
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

  /** Counts an admission and sends `permitted` when somebody listens to it. */
  permitted(waitTime: number): void {
    this.admittedCount++;
    if (!this.#events.listeningPermitted) return;
    const subject = this.#subject;
    this.#events.emit('permitted', {
      bulkheadName: subject.name,
      bulkheadType: subject.type,
      waitTime,
      activeCount: subject.activeCount,
    });
  }

  /**
   * Counts the outcome, and sends `finished` for a call admitted at `admittedAt` (ms, from `performance.now()`), when somebody
   * listens to it; `admittedAt` < 0 marks a call admitted while nobody listened (no event).
   */
  finished(outcome: CallOutcome, admittedAt: number, waitTime: number): void {
    if (outcome === 'success') this.successfulCount++;
    else {
      this.failedCount++;
      if (outcome === 'timeout') this.timedOutCount++;
    }
    if (admittedAt < 0 || !this.#events.listeningFinished) return;
    this.#events.emit('finished', {
      bulkheadName: this.#subject.name,
      bulkheadType: this.#subject.type,
      outcome,
      duration: now() - admittedAt,
      waitTime,
    });
  }

  /** Counts a rejection and sends `rejected` when somebody listens to it. */
  rejected(reason: RejectionReason, waitTime: number): void {
    if (this.#countRejection === undefined) {
      this.rejectedCount++;
      this.lastRejectionTime = Date.now();
    } else {
      this.#countRejection();
    }
    if (!this.#events.listeningRejected) return;
    const subject = this.#subject;
    this.#events.emit('rejected', {
      bulkheadName: subject.name,
      bulkheadType: subject.type,
      reason,
      waitTime,
      activeCount: subject.activeCount,
      waitingCount: subject.waitingCount,
    });
  }

  /** Records a `queue_full`/`queue_timeout` rejection and returns its error. */
  full(reason: 'queue_full' | 'queue_timeout', waitTime: number): BulkheadFullError {
    this.rejected(reason, waitTime);
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
  closed(waitTime: number): BulkheadClosedError {
    this.rejected('shutdown', waitTime);
    const details = { bulkheadName: this.#subject.name };
    return constructError(this.#captureStackTrace, () => new BulkheadClosedError(details));
  }

  /** Records an `aborted` rejection and returns the signal's reason (what the caller is rejected with). */
  aborted(signal: AbortSignal, waitTime: number): unknown {
    this.rejected('aborted', waitTime);
    return signal.reason;
  }
}
