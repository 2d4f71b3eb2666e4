import type { EntitlementLogger } from '@x/bulkhead-core';
import { messageOf } from '../internal/thrown-value.js';
import { CONFIG_UPDATED, type ConfigEventBus } from './config-events.js';
import type { BulkheadSettingsInput } from './settings.js';

/**
 * Applies every `CONFIG_UPDATED` event of `bus` with `apply`; settings it rejects are logged
 * (`bulkhead.settings_rejected`) and the previous settings stay. Returns the disposer.
 */
export function subscribeToConfigUpdates(
  bus: ConfigEventBus,
  apply: (settings: BulkheadSettingsInput) => void,
  logger: EntitlementLogger,
): () => void {
  return bus.on(CONFIG_UPDATED, (event) => {
    try {
      apply(event.settings);
    } catch (error) {
      logger.warn(
        { event: 'bulkhead.settings_rejected', source: CONFIG_UPDATED, error: messageOf(error) },
        'New bulkhead settings rejected; the previous settings stay in force',
      );
    }
  });
}
