import { describe } from '../internal/validate.js';
import type { EventLoopSignal } from './event-loop-signal.js';

/** Bounds of `validateRange`: each inclusive (`minimum`, `maximum`) or exclusive (`above`, `below`). */
export interface RangeBounds {
  readonly minimum?: number;
  readonly above?: number;
  readonly maximum?: number;
  readonly below?: number;
}

/**
 * Throws a TypeError/RangeError naming `option` unless `value` is a finite number within `bounds`.
 * (Fractional parameters such as ratios; integers go through `validateInteger`.)
 */
export function validateRange(option: string, value: unknown, bounds: RangeBounds): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`options.${option} must be a finite number, got ${describe(value)}`);
  }
  const { minimum, above, maximum, below } = bounds;
  if (minimum !== undefined && value < minimum) {
    throw new RangeError(`options.${option} must be >= ${minimum}, got ${value}`);
  }
  if (above !== undefined && value <= above) {
    throw new RangeError(`options.${option} must be > ${above}, got ${value}`);
  }
  if (maximum !== undefined && value > maximum) {
    throw new RangeError(`options.${option} must be <= ${maximum}, got ${value}`);
  }
  if (below !== undefined && value >= below) {
    throw new RangeError(`options.${option} must be < ${below}, got ${value}`);
  }
  return value;
}

/** Throws a TypeError unless `value` is what `eventLoopSignal()` returns. */
export function validateEventLoopSignal(value: unknown): EventLoopSignal {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<EventLoopSignal>).subscribe !== 'function'
  ) {
    throw new TypeError(`options.eventLoop must be an eventLoopSignal(), got ${describe(value)}`);
  }
  return value as EventLoopSignal;
}

/** Throws a TypeError unless `bulkhead` has `resize()` and `on()` (a `ResizableBulkhead`). */
export function validateResizableBulkhead(bulkhead: unknown): void {
  const candidate = bulkhead as { resize?: unknown; on?: unknown; getState?: unknown } | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.resize !== 'function' ||
    typeof candidate.on !== 'function' ||
    typeof candidate.getState !== 'function'
  ) {
    throw new TypeError(
      `bulkhead must be a bulkhead with resize(), on() and getState(), got ${describe(bulkhead)}`,
    );
  }
}
