import { BulkheadError } from '@x/bulkhead-core';

const MARKER = Symbol.for('x.bulkhead.error.CircuitOpenError');

/** Breaker state that short-circuited a call. */
export type CircuitOpenState = 'open' | 'half_open' | 'shutdown';

/** Facts carried by a `CircuitOpenError`. */
export interface CircuitOpenErrorDetails {
  breakerName: string;
  state: CircuitOpenState;
  /** opossum's own rejection, when it produced one. */
  cause?: unknown;
}

/**
 * The circuit breaker refused the call (open, a half-open trial already running, or shut down); the call never
 * took a bulkhead slot for its work. A `BulkheadError` with `code` `BULKHEAD_CIRCUIT_OPEN`.
 */
export class CircuitOpenError extends BulkheadError {
  readonly [MARKER] = true;
  declare readonly code: 'BULKHEAD_CIRCUIT_OPEN';
  readonly breakerName: string;
  readonly state: CircuitOpenState;

  constructor(details: CircuitOpenErrorDetails) {
    super(
      `Circuit breaker '${details.breakerName}' is ${details.state.replace('_', '-')}; the call was short-circuited`,
      'BULKHEAD_CIRCUIT_OPEN',
      details.cause === undefined ? {} : { cause: details.cause },
    );
    this.name = 'CircuitOpenError';
    this.breakerName = details.breakerName;
    this.state = details.state;
  }

  /** True for a `CircuitOpenError` from any installed copy of this package. */
  static override isInstance(error: unknown): error is CircuitOpenError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}
