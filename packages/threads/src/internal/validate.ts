import type { TransferListItem } from 'node:worker_threads';
import {
  describeValue as describe,
  validateKnownKeys,
  validateOptionsObject,
} from '@x/bulkhead-core/extension';

// The generic validators are core's (one wording for every kind of bulkhead); this file adds the
// thread-pool specific ones.
export {
  describeValue as describe,
  validateBoolean,
  validateFunction,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from '@x/bulkhead-core/extension';

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

/** Throws unless `options` is undefined or an object whose keys are all in `known` (core's checks). */
export function validateCallOptions(options: unknown, known: readonly string[]): void {
  validateOptionsObject('options', options);
  if (options !== undefined) validateKnownKeys(options as object, known);
}
