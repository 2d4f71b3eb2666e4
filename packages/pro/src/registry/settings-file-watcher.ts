import type { EntitlementLogger } from '@x/bulkhead-core';
import { messageOf } from '../internal/thrown-value.js';
import { watchFile } from '../internal/watch-file.js';
import type { BulkheadSettingsInput } from './settings.js';
import { readSettingsFile } from './settings-sources.js';

/** What a settings-file watcher needs. */
export interface SettingsFileWatch {
  readonly file: string;
  /** The file layer in force, to skip change events that do not change it. */
  readonly current: BulkheadSettingsInput;
  /** Applies a new, validated file layer; throws to reject it (the previous settings stay). */
  readonly apply: (fileLayer: BulkheadSettingsInput) => void;
  readonly logger: EntitlementLogger;
}

function reject(logger: EntitlementLogger, file: string, error: unknown): void {
  logger.warn(
    { event: 'bulkhead.settings_rejected', source: file, error: messageOf(error) },
    'Bulkhead settings file rejected; the previous settings stay in force',
  );
}

/**
 * Re-applies the settings file whenever it changes (editors that replace the file are followed); an invalid
 * file is logged (`bulkhead.settings_rejected`) and changes nothing. Returns a function that stops watching.
 */
export function watchSettingsFile(watch: SettingsFileWatch): () => void {
  const { file, logger } = watch;
  let lastText = JSON.stringify(watch.current);
  let stopped = false;
  const reload = (): void => {
    if (stopped) return;
    let fileLayer: BulkheadSettingsInput;
    try {
      fileLayer = readSettingsFile(file);
    } catch (error) {
      reject(logger, file, error);
      return;
    }
    const text = JSON.stringify(fileLayer);
    if (text === lastText) return;
    try {
      watch.apply(fileLayer);
      lastText = text;
    } catch (error) {
      reject(logger, file, error);
    }
  };
  const stopWatching = watchFile(file, {
    onChange: reload,
    onError: (error) =>
      logger.warn(
        { event: 'bulkhead.settings_watch_failed', file, error: error.message },
        'Watching the bulkhead settings file failed',
      ),
  });
  return () => {
    stopped = true;
    stopWatching();
  };
}
