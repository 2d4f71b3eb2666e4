import type { Bulkhead, EntitlementLogger, GetOrCreateOptions } from '@x/bulkhead-core';

/**
 * Warns (`bulkhead.options_ignored`) when `getOrCreate()` options differ from the existing compartment's; once per
 * compartment, so a lookup on a hot path does not flood the log.
 */
export class OptionMismatchReporter {
  readonly #reported = new Set<string>();
  readonly #logger: EntitlementLogger;

  constructor(logger: EntitlementLogger) {
    this.#logger = logger;
  }

  /** Compares `options` with `existing`'s state; logs the first mismatch of each compartment. */
  check(existing: Bulkhead, options: GetOrCreateOptions): void {
    if (this.#reported.has(existing.name)) return;
    const state = existing.getState();
    const differing: string[] = (['maxConcurrent', 'maxQueue', 'type'] as const).filter(
      (key) => options[key] !== undefined && options[key] !== state[key],
    );
    const live = existing as { readonly queueOrder?: string; readonly onQueueFull?: string };
    if (options.queueOrder !== undefined && options.queueOrder !== (live.queueOrder ?? 'fifo')) {
      differing.push('queueOrder');
    }
    if (options.onQueueFull !== undefined && options.onQueueFull !== (live.onQueueFull ?? 'reject-new')) {
      differing.push('onQueueFull');
    }
    if (differing.length === 0) return;
    this.#reported.add(existing.name);
    this.#logger.warn(
      { event: 'bulkhead.options_ignored', bulkheadName: existing.name, options: differing },
      `getOrCreate('${existing.name}') options differ from the existing compartment's (${differing.join(', ')}); the existing compartment is returned unchanged`,
    );
  }
}
