import type { AdmissionLedger } from '../admission-ledger.js';
import type { AcquireOptions, Bulkhead, ExecutionContext, ProtectedFunction } from '../bulkhead.js';
import { BulkheadClosedError, BulkheadFullError } from '../errors.js';
import type { BulkheadEventEmitter } from '../events.js';
import { now } from '../internal/clock.js';
import type { SlotOwner } from '../internal/slot-permit.js';
import type { Permit } from '../permit.js';
import { elapsedSince, reportedWaitTime } from '../waiting/wait-time.js';
import type { KeyCompartment } from './key-compartment.js';

/** What the chained global path needs of the keyed bulkhead whose key's permit a call holds. */
export interface ChainHost extends SlotOwner<KeyCompartment> {
  readonly ledger: AdmissionLedger;
  readonly events: BulkheadEventEmitter;
  readonly closed: boolean;
  /** Gives the key's permit back without a call having run (the global bulkhead said no). */
  giveBack(compartment: KeyCompartment): void;
  /** Counts the admission and makes the Permit (releasing `globalPermit` with it). */
  grant(compartment: KeyCompartment, waitTime: number, globalPermit: Permit | undefined): Permit;
}

/**
 * Holding the key's permit, runs the call through `global.execute()` with what is left of `timeout`. A
 * global rejection gives the key's permit back at once; a call admitted by global after `close()` is refused.
 */
export function startChained(
  host: ChainHost,
  global: Bulkhead,
  compartment: KeyCompartment,
  task: ProtectedFunction<unknown>,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
  start: number,
): Promise<unknown> {
  let stage: 'waiting' | 'admitted' | 'refused' = 'waiting';
  let admittedAt = -1;
  let waitTime = 0;
  const inner = (context: ExecutionContext): unknown => {
    if (host.closed) {
      stage = 'refused';
      throw host.ledger.closed(elapsedSince(start), compartment);
    }
    stage = 'admitted';
    waitTime = reportedWaitTime(start, host.events);
    admittedAt = host.events.listeningFinished ? now() : -1;
    compartment.admitted++;
    host.ledger.permitted(waitTime, compartment);
    return task(context);
  };
  return global.execute(inner, globalOptions(timeout, signal, start)).then(
    (value) => {
      host.releaseSlot(compartment, admittedAt, waitTime, 'success');
      return value;
    },
    (error: unknown) => {
      if (stage === 'admitted') host.releaseSlot(compartment, admittedAt, waitTime, 'failure');
      else {
        host.giveBack(compartment);
        if (stage === 'waiting') {
          compartment.rejected++;
          host.ledger.rejected(rejectionReasonOf(error, signal), elapsedSince(start), compartment);
        }
      }
      throw error;
    },
  );
}

/**
 * Holding the key's permit, takes the global one with what is left of `timeout`; on a global rejection the
 * key's permit goes back at once (the next waiter of the key gets it) and the caller gets that rejection.
 */
export async function acquireGlobal(
  host: ChainHost,
  global: Bulkhead,
  compartment: KeyCompartment,
  start: number,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
): Promise<Permit> {
  let globalPermit: Permit;
  try {
    globalPermit = await global.acquire(globalOptions(timeout, signal, start));
  } catch (error) {
    host.giveBack(compartment);
    compartment.rejected++;
    host.ledger.rejected(rejectionReasonOf(error, signal), elapsedSince(start), compartment);
    throw error;
  }
  if (host.closed) {
    globalPermit.release();
    host.giveBack(compartment);
    throw host.ledger.closed(elapsedSince(start), compartment);
  }
  return host.grant(compartment, reportedWaitTime(start, host.events), globalPermit);
}

/** The options of a call waiting without a timer: one shared object, so the global bulkhead checks its keys once. */
const WAIT_WITHOUT_TIMER: AcquireOptions = Object.freeze({ timeout: Number.POSITIVE_INFINITY });

/** What the global bulkhead is asked with: what is left of the caller's timeout, and its signal. */
function globalOptions(
  timeout: number | undefined,
  signal: AbortSignal | undefined,
  start: number,
): AcquireOptions | undefined {
  if (signal === undefined) {
    if (timeout === undefined) return undefined;
    if (timeout === Number.POSITIVE_INFINITY) return WAIT_WITHOUT_TIMER;
  }
  let remaining = timeout;
  if (remaining !== undefined && remaining !== Number.POSITIVE_INFINITY && start >= 0) {
    remaining = Math.max(0, remaining - (now() - start));
  }
  if (remaining === undefined) return { signal: signal! };
  return signal === undefined ? { timeout: remaining } : { timeout: remaining, signal };
}

/** The reason to count when the global bulkhead rejected. */
function rejectionReasonOf(error: unknown, signal: AbortSignal | undefined) {
  if (signal?.aborted) return 'aborted' as const;
  if (BulkheadClosedError.isInstance(error)) return 'shutdown' as const;
  if (BulkheadFullError.isInstance(error)) return error.reason;
  return 'unavailable' as const;
}
