import type { BulkheadType, RejectionReason } from './vocabulary.js';

const BASE_MARKER = Symbol.for('x.bulkhead.error');
const marker = (name: string): symbol => Symbol.for(`x.bulkhead.error.${name}`);

function hasMarker(error: unknown, symbol: symbol): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[symbol] === true;
}

/** Stable machine-readable codes of the bulkhead error family. */
export type BulkheadErrorCode =
  | 'BULKHEAD_ERROR'
  | 'BULKHEAD_FULL'
  | 'BULKHEAD_TIMEOUT'
  | 'BULKHEAD_NOT_FOUND'
  | 'BULKHEAD_CLOSED'
  | 'BULKHEAD_WORKER_CRASHED'
  | 'BULKHEAD_NOT_CLONEABLE'
  | 'BULKHEAD_UNAVAILABLE'
  | 'BULKHEAD_LEASE_LOST'
  | 'BULKHEAD_CIRCUIT_OPEN';

/** Options shared by every bulkhead error. */
export interface BulkheadErrorOptions {
  /** The underlying error, kept as `error.cause`. */
  cause?: unknown;
}

/**
 * Builds an error, capturing a stack trace only when `captureStackTrace` is true: rejections happen
 * under overload, so bulkheads build them without one by default.
 */
export function constructError<T>(captureStackTrace: boolean, build: () => T): T {
  return captureStackTrace ? build() : constructWithoutStack(build);
}

/** Builds an error without capturing a stack trace (rejections under overload stay cheap). */
export function constructWithoutStack<T>(build: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Base class of every bulkhead failure; `code` is stable across versions.
 * Use `BulkheadError.isInstance(e)` rather than `instanceof` to recognise errors from another copy of core.
 */
export class BulkheadError extends Error {
  readonly code: BulkheadErrorCode;
  readonly [BASE_MARKER] = true;

  constructor(
    message: string,
    code: BulkheadErrorCode = 'BULKHEAD_ERROR',
    options: BulkheadErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BulkheadError';
    this.code = code;
  }

  /** True for any bulkhead error, even one created by another installed copy of core. */
  static isInstance(error: unknown): error is BulkheadError {
    return hasMarker(error, BASE_MARKER);
  }
}

const FULL_MARKER = marker('BulkheadFullError');

/** Facts carried by a `BulkheadFullError`. */
export interface BulkheadFullErrorDetails {
  bulkheadName: string;
  maxConcurrent: number;
  activeCount: number;
  reason: RejectionReason;
  /** Kind of compartment that rejected, when known. */
  bulkheadType?: BulkheadType;
}

/** A call was rejected: no permit was free and it could not (or no longer could) wait. */
export class BulkheadFullError extends BulkheadError {
  readonly [FULL_MARKER] = true;
  readonly bulkheadName: string;
  readonly maxConcurrent: number;
  readonly activeCount: number;
  /** `queue_full` (no permit and no room to wait) or `queue_timeout` (waited `timeout` ms in vain). */
  readonly reason: RejectionReason;
  /** Kind of compartment that rejected, when known. */
  readonly bulkheadType?: BulkheadType;

  constructor(details: BulkheadFullErrorDetails, options: BulkheadErrorOptions = {}) {
    const message =
      details.reason === 'queue_timeout'
        ? `Bulkhead '${details.bulkheadName}' is full: no permit became free before the wait timed out (${details.activeCount}/${details.maxConcurrent} active)`
        : `Bulkhead '${details.bulkheadName}' is full (${details.activeCount}/${details.maxConcurrent} active, reason ${details.reason})`;
    super(message, 'BULKHEAD_FULL', options);
    this.name = 'BulkheadFullError';
    this.bulkheadName = details.bulkheadName;
    this.maxConcurrent = details.maxConcurrent;
    this.activeCount = details.activeCount;
    this.reason = details.reason;
    if (details.bulkheadType !== undefined) this.bulkheadType = details.bulkheadType;
  }

  /** True for a `BulkheadFullError` from any installed copy of core. */
  static override isInstance(error: unknown): error is BulkheadFullError {
    return hasMarker(error, FULL_MARKER);
  }
}

const TIMEOUT_MARKER = marker('BulkheadTimeoutError');

/** Facts carried by a `BulkheadTimeoutError`. */
export interface BulkheadTimeoutErrorDetails {
  bulkheadName: string;
  /** The timeout budget in milliseconds. */
  timeout: number;
}

/** A call admitted by the bulkhead ran past its timeout budget. */
export class BulkheadTimeoutError extends BulkheadError {
  readonly [TIMEOUT_MARKER] = true;
  readonly bulkheadName: string;
  readonly timeout: number;

  constructor(details: BulkheadTimeoutErrorDetails, options: BulkheadErrorOptions = {}) {
    super(
      `Call in bulkhead '${details.bulkheadName}' timed out after ${details.timeout} ms`,
      'BULKHEAD_TIMEOUT',
      options,
    );
    this.name = 'BulkheadTimeoutError';
    this.bulkheadName = details.bulkheadName;
    this.timeout = details.timeout;
  }

  /** True for a `BulkheadTimeoutError` from any installed copy of core. */
  static override isInstance(error: unknown): error is BulkheadTimeoutError {
    return hasMarker(error, TIMEOUT_MARKER);
  }
}

const NOT_FOUND_MARKER = marker('BulkheadNotFoundError');

/** Facts carried by a `BulkheadNotFoundError`. */
export interface BulkheadNotFoundErrorDetails {
  bulkheadName: string;
  registeredNames: readonly string[];
}

/** A registry lookup named a compartment that was never provisioned; the message lists the known names. */
export class BulkheadNotFoundError extends BulkheadError {
  readonly [NOT_FOUND_MARKER] = true;
  readonly bulkheadName: string;
  readonly registeredNames: readonly string[];

  constructor(details: BulkheadNotFoundErrorDetails, options: BulkheadErrorOptions = {}) {
    const known = details.registeredNames.length > 0 ? details.registeredNames.join(', ') : '(none)';
    super(
      `Bulkhead '${details.bulkheadName}' not found; registered bulkheads: ${known}. Provision it with register() or getOrCreate() first.`,
      'BULKHEAD_NOT_FOUND',
      options,
    );
    this.name = 'BulkheadNotFoundError';
    this.bulkheadName = details.bulkheadName;
    this.registeredNames = Object.freeze([...details.registeredNames]);
  }

  /** True for a `BulkheadNotFoundError` from any installed copy of core. */
  static override isInstance(error: unknown): error is BulkheadNotFoundError {
    return hasMarker(error, NOT_FOUND_MARKER);
  }
}

const CLOSED_MARKER = marker('BulkheadClosedError');

/** Facts carried by a `BulkheadClosedError`. */
export interface BulkheadClosedErrorDetails {
  bulkheadName: string;
}

/** The bulkhead is closed or draining (shutdown) and admits no new calls; queued calls get this too. */
export class BulkheadClosedError extends BulkheadError {
  readonly [CLOSED_MARKER] = true;
  readonly bulkheadName: string;
  readonly reason: RejectionReason = 'shutdown';

  constructor(details: BulkheadClosedErrorDetails, options: BulkheadErrorOptions = {}) {
    super(`Bulkhead '${details.bulkheadName}' is closed and admits no new calls`, 'BULKHEAD_CLOSED', options);
    this.name = 'BulkheadClosedError';
    this.bulkheadName = details.bulkheadName;
  }

  /** True for a `BulkheadClosedError` from any installed copy of core. */
  static override isInstance(error: unknown): error is BulkheadClosedError {
    return hasMarker(error, CLOSED_MARKER);
  }
}
