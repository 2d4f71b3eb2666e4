import { describeValue } from '@x/bulkhead-core/extension';

/**
 * Throws unless `value` is an EWMA weight in (0, 1] (`option` is named in the message).
 * @throws {TypeError | RangeError}
 */
export function validateSmoothing(option: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new TypeError(`options.${option} must be a number, got ${describeValue(value)}`);
  }
  if (!(value > 0 && value <= 1)) {
    throw new RangeError(`options.${option} must be in (0, 1], got ${value}`);
  }
  return value;
}
