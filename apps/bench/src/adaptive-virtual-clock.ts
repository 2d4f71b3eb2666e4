import { setImmediate as realSetImmediate } from 'node:timers';

interface VirtualTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * Simulated time for the adaptive-limit bench: while installed, `performance.now()`, `setTimeout` and
 * `clearTimeout` are virtual, and `runFor()` jumps from one due timer to the next, letting every promise
 * reaction run in between. Results are about the algorithms, not this machine's speed.
 */
export class VirtualClock {
  #now = 0;
  #nextId = 1;
  /** Pending timers, sorted by due time then id. */
  #timers: VirtualTimer[] = [];
  #restore: (() => void) | undefined;

  /** Virtual milliseconds since install. */
  get now(): number {
    return this.#now;
  }

  /** Replaces the globals; returns this clock. */
  install(): this {
    const original = {
      performance: globalThis.performance,
      setTimeout: globalThis.setTimeout,
      clearTimeout: globalThis.clearTimeout,
    };
    const virtualPerformance = Object.create(original.performance) as typeof globalThis.performance;
    Object.defineProperty(virtualPerformance, 'now', { value: () => this.#now });
    Object.defineProperty(globalThis, 'performance', {
      value: virtualPerformance,
      configurable: true,
      writable: true,
    });
    globalThis.setTimeout = ((callback: () => void, milliseconds = 0) =>
      this.#schedule(callback, milliseconds)) as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((id: number | undefined) =>
      this.#cancel(id)) as unknown as typeof clearTimeout;
    this.#restore = () => {
      Object.defineProperty(globalThis, 'performance', {
        value: original.performance,
        configurable: true,
        writable: true,
      });
      globalThis.setTimeout = original.setTimeout;
      globalThis.clearTimeout = original.clearTimeout;
    };
    return this;
  }

  /** Puts the real globals back. */
  uninstall(): void {
    this.#restore?.();
    this.#restore = undefined;
  }

  /** Runs every timer due in the next `milliseconds`, in order, settling promises after each. */
  async runFor(milliseconds: number): Promise<void> {
    const until = this.#now + milliseconds;
    for (let timer = this.#timers[0]; timer !== undefined && timer.at <= until; timer = this.#timers[0]) {
      this.#timers.shift();
      this.#now = timer.at;
      timer.callback();
      await new Promise((resolve) => realSetImmediate(resolve));
    }
    this.#now = until;
  }

  #schedule(callback: () => void, milliseconds: number): number {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, milliseconds), callback };
    let low = 0;
    let high = this.#timers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#timers[middle]!.at <= timer.at) low = middle + 1;
      else high = middle;
    }
    this.#timers.splice(low, 0, timer);
    return timer.id;
  }

  #cancel(id: number | undefined): void {
    const index = this.#timers.findIndex((timer) => timer.id === id);
    if (index !== -1) this.#timers.splice(index, 1);
  }
}
