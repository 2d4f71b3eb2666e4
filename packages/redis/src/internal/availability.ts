import { getBulkheadLogger } from '@x/bulkhead-core';
import type { UnavailableMode } from '../redis-bulkhead-options.js';
import type { ScriptRunner } from './script-runner.js';

/** Options of `Availability`. */
export interface AvailabilityOptions {
  readonly bulkheadName: string;
  readonly onUnavailable: UnavailableMode;
  readonly runner: ScriptRunner;
  /** Milliseconds between two probes (PING) while unavailable. */
  readonly probeInterval: number;
  /** Called once Redis answers again (after the switch back to cluster mode). */
  readonly onRecovered: () => void;
}

/**
 * Whether a compartment is in cluster mode or in its `onUnavailable` mode: switches on the first failed command
 * (logged and counted), probes Redis with PING and switches back by itself when it answers.
 */
export class Availability {
  mode: 'cluster' | 'unavailable' = 'cluster';
  /** Switches into the unavailable mode. */
  switches = 0;
  /** Switches back to cluster mode. */
  recoveries = 0;
  readonly #options: AvailabilityOptions;
  #probeTimer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(options: AvailabilityOptions) {
    this.#options = options;
  }

  /** A command failed: switch to the unavailable mode (once) and start probing. */
  markUnavailable(cause: unknown): void {
    if (this.mode === 'unavailable' || this.#stopped) return;
    const { bulkheadName, onUnavailable, probeInterval } = this.#options;
    this.mode = 'unavailable';
    this.switches++;
    getBulkheadLogger().warn(
      { bulkhead: bulkheadName, onUnavailable, cause: String(cause) },
      `Redis unavailable: bulkhead '${bulkheadName}' switches to onUnavailable '${onUnavailable}'`,
    );
    this.#probeTimer = setInterval(() => void this.#probe(), probeInterval);
    this.#probeTimer.unref();
  }

  /** Stops probing for good (the compartment closed). */
  stop(): void {
    this.#stopped = true;
    if (this.#probeTimer !== undefined) clearInterval(this.#probeTimer);
    this.#probeTimer = undefined;
  }

  async #probe(): Promise<void> {
    try {
      await this.#options.runner.command(['PING']);
    } catch {
      return;
    }
    if (this.mode !== 'unavailable' || this.#stopped) return;
    clearInterval(this.#probeTimer);
    this.#probeTimer = undefined;
    this.mode = 'cluster';
    this.recoveries++;
    const { bulkheadName } = this.#options;
    getBulkheadLogger().info(
      { bulkhead: bulkheadName },
      `Redis answers again: bulkhead '${bulkheadName}' is back in cluster mode`,
    );
    this.#options.onRecovered();
  }
}
