import { BulkheadError, type BulkheadErrorOptions } from '@x/bulkhead-core';

const UNAVAILABLE_MARKER = Symbol.for('x.bulkhead.error.BulkheadUnavailableError');
const LEASE_LOST_MARKER = Symbol.for('x.bulkhead.error.BulkheadLeaseLostError');

function hasMarker(error: unknown, symbol: symbol): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[symbol] === true;
}

/** Facts carried by a `BulkheadUnavailableError`. */
export interface BulkheadUnavailableErrorDetails {
  bulkheadName: string;
  /** Milliseconds the command was given (`commandTimeout`). */
  commandTimeout: number;
}

/** Redis could not be reached in time (`onUnavailable: 'reject'`); the call was not admitted. */
export class BulkheadUnavailableError extends BulkheadError {
  readonly [UNAVAILABLE_MARKER] = true;
  readonly bulkheadName: string;
  readonly commandTimeout: number;
  readonly reason = 'unavailable' as const;

  constructor(details: BulkheadUnavailableErrorDetails, options: BulkheadErrorOptions = {}) {
    super(
      `Bulkhead '${details.bulkheadName}' could not reach Redis within ${details.commandTimeout} ms; the call was not admitted`,
      'BULKHEAD_UNAVAILABLE',
      options,
    );
    this.name = 'BulkheadUnavailableError';
    this.bulkheadName = details.bulkheadName;
    this.commandTimeout = details.commandTimeout;
  }

  /** True for a `BulkheadUnavailableError` from any installed copy of this package. */
  static override isInstance(error: unknown): error is BulkheadUnavailableError {
    return hasMarker(error, UNAVAILABLE_MARKER);
  }
}

/** Facts carried by a `BulkheadLeaseLostError`. */
export interface BulkheadLeaseLostErrorDetails {
  bulkheadName: string;
  /** The fencing token of the lost lease: a downstream should refuse it from now on. */
  fencingToken: number;
}

/**
 * The signal reason of a call whose lease ended before it finished (renewal failed or found it expired):
 * another holder may own the permit now.
 */
export class BulkheadLeaseLostError extends BulkheadError {
  readonly [LEASE_LOST_MARKER] = true;
  readonly bulkheadName: string;
  readonly fencingToken: number;
  readonly reason = 'lease_lost' as const;

  constructor(details: BulkheadLeaseLostErrorDetails, options: BulkheadErrorOptions = {}) {
    super(
      `Bulkhead '${details.bulkheadName}' lost the lease of fencing token ${details.fencingToken}; stop the work`,
      'BULKHEAD_LEASE_LOST',
      options,
    );
    this.name = 'BulkheadLeaseLostError';
    this.bulkheadName = details.bulkheadName;
    this.fencingToken = details.fencingToken;
  }

  /** True for a `BulkheadLeaseLostError` from any installed copy of this package. */
  static override isInstance(error: unknown): error is BulkheadLeaseLostError {
    return hasMarker(error, LEASE_LOST_MARKER);
  }
}
