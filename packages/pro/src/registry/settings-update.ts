import { validateFunction } from '@x/bulkhead-core/extension';
import { reportListenerFailure } from '../internal/thrown-value.js';

/** What `applySettings()` changed. */
export interface SettingsUpdate {
  /** Compartments resized in place. */
  readonly resized: readonly { readonly name: string; readonly from: number; readonly to: number }[];
  /** Built-ins whose `register()` override was replaced by the settings-defined compartment again. */
  readonly restored: readonly string[];
  /** Changes that cannot apply at run time (type, queue bound, non-resizable compartments). */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** Listener of applied settings. */
export type SettingsAppliedListener = (update: SettingsUpdate) => void;

/** The listeners of applied settings; one that throws is reported and the others still run. */
export class SettingsAppliedListeners {
  #listeners: SettingsAppliedListener[] = [];

  /**
   * Adds `listener`; returns its disposer.
   * @throws {TypeError} when `listener` is not a function.
   */
  add(listener: SettingsAppliedListener): () => void {
    validateFunction('listener', listener);
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((candidate) => candidate !== listener);
    };
  }

  /** Tells every listener; never throws. */
  notify(update: SettingsUpdate): void {
    for (const listener of this.#listeners) {
      try {
        listener(update);
      } catch (error) {
        reportListenerFailure('A settings listener', error);
      }
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.#listeners = [];
  }
}
