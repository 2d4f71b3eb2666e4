import type { TransferListItem } from 'node:worker_threads';

/** Short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (typeof value === 'function') return 'function';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Throws a TypeError/RangeError naming `option` unless `value` is an integer >= `minimum`. */
export function validateInteger(option: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`options.${option} must be a number, got ${describe(value)}`);
  }
  if (!Number.isInteger(value)) throw new RangeError(`options.${option} must be an integer, got ${value}`);
  if (value < minimum) throw new RangeError(`options.${option} must be >= ${minimum}, got ${value}`);
  return value;
}

/** Like `validateInteger` but also admits `Infinity` (meaning "no bound"). */
export function validateIntegerOrInfinity(option: string, value: unknown, minimum: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  return validateInteger(option, value, minimum);
}

/** Throws unless `value` is a number of milliseconds >= 0 (`Infinity` allowed). */
export function validateTimeout(option: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`options.${option} must be a number of milliseconds, got ${describe(value)}`);
  }
  if (value < 0) throw new RangeError(`options.${option} must be >= 0, got ${value}`);
  return value;
}

/** Throws unless `value` is an AbortSignal. */
export function validateSignal(option: string, value: unknown): AbortSignal {
  if (!(value instanceof AbortSignal)) {
    throw new TypeError(`options.${option} must be an AbortSignal, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is a boolean. */
export function validateBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`options.${option} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is a non-empty string. */
export function validateName(parameter: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${parameter} must be a string, got ${describe(value)}`);
  if (value.length === 0) throw new RangeError(`${parameter} must not be empty`);
  return value;
}

/** Throws unless `value` is an object (or undefined). */
export function validateOptionsObject(parameter: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`${parameter} must be an object, got ${describe(value)}`);
  }
}

/** Throws unless `name` (the export a task calls) is a non-empty string or undefined. */
export function validateTaskName(name: unknown): string | undefined {
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw new TypeError(`options.name must be a non-empty string, got ${describe(name)}`);
  }
  return name;
}

/** Throws unless `transferList` is an array or undefined. */
export function validateTransferList(transferList: unknown): readonly TransferListItem[] | undefined {
  if (transferList !== undefined && !Array.isArray(transferList)) {
    throw new TypeError(`options.transferList must be an array, got ${describe(transferList)}`);
  }
  return transferList;
}
