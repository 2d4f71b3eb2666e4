import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BulkheadError } from '@x/bulkhead-core';
import {
  BUILT_IN_COMPARTMENTS,
  type BulkheadSettingsInput,
  type CompartmentSettingsInput,
} from './settings.js';
import { validateSettingsInput } from './validate-settings.js';

/** Environment variable naming a JSON settings file. */
export const SETTINGS_FILE_ENVIRONMENT_VARIABLE = 'BULKHEAD_SETTINGS_FILE';

function environmentInteger(env: Record<string, string | undefined>, variable: string, minimum: number) {
  const text = env[variable];
  if (text === undefined || text.trim() === '') return undefined;
  const trimmed = text.trim();
  if (minimum === 0 && /^(infinity|unbounded)$/i.test(trimmed)) return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < minimum) {
    const extra = minimum === 0 ? " (or 'unbounded')" : '';
    throw new RangeError(`${variable} must be an integer >= ${minimum}${extra}, got ${JSON.stringify(text)}`);
  }
  return Number(trimmed);
}

/**
 * Reads `BULKHEAD_<COMPARTMENT>_MAX_CONCURRENT`, `_MAX_QUEUE`, `_TYPE` and `_WORKER_FILENAME` for each
 * built-in compartment (e.g. `BULKHEAD_DATABASE_MAX_CONCURRENT=20`).
 * @throws {TypeError | RangeError} naming the variable when a value is invalid.
 */
export function readEnvironmentSettings(env: Record<string, string | undefined>): BulkheadSettingsInput {
  const input: BulkheadSettingsInput = {};
  for (const name of BUILT_IN_COMPARTMENTS) {
    const prefix = `BULKHEAD_${name.toUpperCase()}_`;
    const compartment: CompartmentSettingsInput = {};
    const maxConcurrent = environmentInteger(env, `${prefix}MAX_CONCURRENT`, 1);
    if (maxConcurrent !== undefined) compartment.maxConcurrent = maxConcurrent;
    const maxQueue = environmentInteger(env, `${prefix}MAX_QUEUE`, 0);
    if (maxQueue !== undefined) compartment.maxQueue = maxQueue;
    const type = env[`${prefix}TYPE`]?.trim();
    if (type !== undefined && type !== '') {
      if (type !== 'semaphore' && type !== 'thread_pool') {
        throw new TypeError(
          `${prefix}TYPE must be 'semaphore' or 'thread_pool', got ${JSON.stringify(type)}`,
        );
      }
      compartment.type = type;
    }
    const workerFilename = env[`${prefix}WORKER_FILENAME`]?.trim();
    if (workerFilename !== undefined && workerFilename !== '') compartment.workerFilename = workerFilename;
    if (Object.keys(compartment).length > 0) input[name] = compartment;
  }
  return input;
}

/**
 * Reads and validates a JSON settings file (same shape as the settings object).
 * @throws {BulkheadError} when the file cannot be read; {TypeError | RangeError} when its content is invalid.
 */
export function readSettingsFile(file: string): BulkheadSettingsInput {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new BulkheadError(
      `settings file '${absolute}' cannot be read (${String(code ?? error)})`,
      'BULKHEAD_ERROR',
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`settings file '${absolute}' is not valid JSON: ${(error as Error).message}`);
  }
  return validateSettingsInput(parsed, `settings file '${absolute}': settings`);
}
