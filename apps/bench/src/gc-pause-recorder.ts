import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { settleTurn } from './measure.js';

/**
 * Records main-thread garbage-collection pauses (perf_hooks `gc` entries) so a run's cost can be
 * split into GC pauses and the rest. `start()` before the runs, `stop()` after.
 */
export class GcPauseRecorder {
  #entries: PerformanceEntry[] = [];
  readonly #observer = new PerformanceObserver((list) => {
    this.#entries.push(...list.getEntries());
  });

  /** Starts observing. */
  start(): void {
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops observing and forgets every entry. */
  stop(): void {
    this.#observer.disconnect();
    this.#entries = [];
  }

  /** Milliseconds of GC pauses that started within `[from, to]` (`performance.now()` times). */
  async pauseBetween(from: number, to: number): Promise<number> {
    await settleTurn();
    this.#entries.push(...this.#observer.takeRecords());
    let total = 0;
    for (const entry of this.#entries) {
      if (entry.startTime >= from && entry.startTime <= to) total += entry.duration;
    }
    this.#entries = this.#entries.filter((entry) => entry.startTime > to);
    return total;
  }
}
