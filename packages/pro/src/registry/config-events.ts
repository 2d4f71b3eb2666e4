import { globalExtensionState } from '@x/bulkhead-core/extension';
import { reportListenerFailure } from '../internal/report-listener-failure.js';
import type { BulkheadSettingsInput } from './settings.js';

/** Name of the event that asks registries to apply new settings. */
export const CONFIG_UPDATED = 'config_updated';

/** Payload of `CONFIG_UPDATED`: the new settings object (it replaces the object source). */
export interface ConfigUpdatedEvent {
  readonly settings: BulkheadSettingsInput;
}

/** Listener of `CONFIG_UPDATED`. */
export type ConfigUpdatedListener = (event: ConfigUpdatedEvent) => void;

/** A tiny event bus carrying `CONFIG_UPDATED`; PRO registries subscribe to it until `close()`. */
export class ConfigEventBus {
  #listeners: ConfigUpdatedListener[] = [];

  /**
   * Subscribes to `CONFIG_UPDATED`; returns a disposer.
   * @throws {TypeError} for another event name or a listener that is not a function.
   */
  on(event: typeof CONFIG_UPDATED, listener: ConfigUpdatedListener): () => void {
    if (event !== CONFIG_UPDATED)
      throw new TypeError(`event must be '${CONFIG_UPDATED}', got ${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((candidate) => candidate !== listener);
    };
  }

  /**
   * Delivers `CONFIG_UPDATED` to every listener; a listener that throws is reported as a process warning.
   * @throws {TypeError} for another event name or a payload without `settings`.
   */
  emit(event: typeof CONFIG_UPDATED, payload: ConfigUpdatedEvent): void {
    if (event !== CONFIG_UPDATED)
      throw new TypeError(`event must be '${CONFIG_UPDATED}', got ${String(event)}`);
    if (typeof payload !== 'object' || payload === null || typeof payload.settings !== 'object') {
      throw new TypeError('payload must be { settings: object }');
    }
    for (const listener of this.#listeners) {
      try {
        listener(payload);
      } catch (error) {
        reportListenerFailure(`A ${CONFIG_UPDATED} listener`, error);
      }
    }
  }

  /** Number of current subscribers. */
  get listenerCount(): number {
    return this.#listeners.length;
  }
}

/** The process-wide `CONFIG_UPDATED` bus PRO registries subscribe to by default (kept in core's global slot). */
export function getConfigEventBus(): ConfigEventBus {
  return globalExtensionState('@x/bulkhead-pro/config-events', () => new ConfigEventBus());
}
