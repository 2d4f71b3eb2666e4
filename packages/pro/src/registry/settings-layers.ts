import path from 'node:path';
import type { BulkheadSettings, BulkheadSettingsInput } from './settings.js';
import {
  readEnvironmentSettings,
  readSettingsFile,
  SETTINGS_FILE_ENVIRONMENT_VARIABLE,
} from './settings-sources.js';
import { mergeSettings, validateSettingsInput } from './validate-settings.js';

/** The sources of a registry's settings, lowest precedence first: object < JSON file < environment. */
export interface SettingsLayers {
  readonly object: BulkheadSettingsInput;
  readonly file: BulkheadSettingsInput;
}

/** The settings file a registry reads: `settingsFile`, else `BULKHEAD_SETTINGS_FILE`; absolute, or `undefined`. */
export function resolveSettingsFile(
  settingsFile: string | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  const fromEnvironment = env[SETTINGS_FILE_ENVIRONMENT_VARIABLE]?.trim();
  const file = settingsFile ?? (fromEnvironment === '' ? undefined : fromEnvironment);
  return file === undefined ? undefined : path.resolve(file);
}

/**
 * Reads the initial layers: the validated settings object and the settings file (if any).
 * @throws {TypeError | RangeError | BulkheadError} when a source is invalid or the file cannot be read.
 */
export function readInitialLayers(
  settings: BulkheadSettingsInput | undefined,
  settingsFile: string | undefined,
): SettingsLayers {
  return {
    object: settings === undefined ? {} : validateSettingsInput(settings, 'options.settings'),
    file: settingsFile === undefined ? {} : readSettingsFile(settingsFile),
  };
}

/**
 * Merges the layers with the environment (read anew each time) over the defaults.
 * @throws {TypeError | RangeError} when an environment variable or the merged result is invalid.
 */
export function mergeLayers(
  layers: SettingsLayers,
  env: Record<string, string | undefined>,
): BulkheadSettings {
  return mergeSettings([layers.object, layers.file, readEnvironmentSettings(env)]);
}
