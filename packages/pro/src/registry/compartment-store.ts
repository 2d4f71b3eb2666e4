import { type Bulkhead, BulkheadRegistry } from '@x/bulkhead-core';
import { compartmentSettingsFor } from './compartment-settings.js';
import { resizeInPlace } from './resize-in-place.js';
import { type BulkheadSettings, isBuiltInCompartment } from './settings.js';
import type { SettingsUpdate } from './settings-update.js';

/**
 * The compartments of a PRO registry: every registered one (kept by core's registry: order, strict lookup, change
 * feed) and the ones created from settings, which new settings resize in place and restore over overrides.
 */
export class CompartmentStore {
  /** Registered compartments. */
  readonly registered = new BulkheadRegistry();
  /** Compartments created from settings, by name. */
  readonly #owned = new Map<string, Bulkhead>();

  /** The registered compartment `name`, or `undefined`. */
  current(name: string): Bulkhead | undefined {
    return this.registered.has(name) ? this.registered.get(name) : undefined;
  }

  /** Remembers `bulkhead` as created from settings (it follows later settings). */
  own(bulkhead: Bulkhead): void {
    this.#owned.set(bulkhead.name, bulkhead);
  }

  /** Forgets `name` as created from settings when `bulkhead` is the one owned. */
  disown(name: string, bulkhead: Bulkhead): void {
    if (this.#owned.get(name) === bulkhead) this.#owned.delete(name);
  }

  /** Every compartment, registered or owned (an overridden built-in is both), each once. */
  all(): Bulkhead[] {
    return [...new Set([...this.registered.list(), ...this.#owned.values()])];
  }

  /**
   * Brings every owned compartment to `settings` in place (same objects; in-flight and queued calls kept) and
   * puts overridden built-ins back.
   */
  reconfigure(settings: BulkheadSettings): SettingsUpdate {
    const resized: Array<{ name: string; from: number; to: number }> = [];
    const restored: string[] = [];
    const skipped: Array<{ name: string; reason: string }> = [];
    for (const [name, bulkhead] of this.#owned) {
      const target = compartmentSettingsFor(name, settings);
      if (target === undefined) continue;
      const outcome = resizeInPlace(bulkhead, target);
      if (outcome.resized !== undefined) resized.push(outcome.resized);
      skipped.push(...outcome.skipped);
      if (isBuiltInCompartment(name) && this.current(name) !== bulkhead) {
        this.registered.replace(bulkhead);
        restored.push(name);
      }
    }
    return Object.freeze({ resized, restored, skipped });
  }
}
