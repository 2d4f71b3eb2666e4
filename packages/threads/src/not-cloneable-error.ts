import { BulkheadError, type BulkheadErrorOptions } from '@x/bulkhead-core';

const NOT_CLONEABLE_MARKER = Symbol.for('x.bulkhead.error.NotCloneableError');

/** Which side of a worker task could not be structured-cloned. */
export type NotCloneableDirection = 'argument' | 'result';

/** Facts carried by a `NotCloneableError`. */
export interface NotCloneableErrorDetails {
  bulkheadName: string;
  /** `argument`: the task sent to the worker; `result`: the value the task returned. */
  direction: NotCloneableDirection;
  /** The structured-clone failure message (e.g. `() => 1 could not be cloned.`). */
  detail: string;
}

/**
 * A task's argument or result cannot be structured-cloned (a function, a symbol, a class with native
 * state...). The task's slot is freed; an argument never reaches a worker.
 */
export class NotCloneableError extends BulkheadError {
  readonly [NOT_CLONEABLE_MARKER] = true;
  readonly bulkheadName: string;
  readonly direction: NotCloneableDirection;

  constructor(details: NotCloneableErrorDetails, options: BulkheadErrorOptions = {}) {
    super(
      `The ${details.direction} of a task of bulkhead '${details.bulkheadName}' cannot be structured-cloned: ${details.detail}`,
      'BULKHEAD_NOT_CLONEABLE',
      options,
    );
    this.name = 'NotCloneableError';
    this.bulkheadName = details.bulkheadName;
    this.direction = details.direction;
  }

  /** True for a `NotCloneableError` from any installed copy of this package. */
  static override isInstance(error: unknown): error is NotCloneableError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[NOT_CLONEABLE_MARKER] === true
    );
  }
}
