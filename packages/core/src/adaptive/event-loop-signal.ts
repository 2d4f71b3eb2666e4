import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { validateInteger, validateKnownKeys, validateOptionsObject } from '../internal/validate.js';
import { validateRange } from './validation.js';

/** Options of `eventLoopSignal()`. */
export interface EventLoopSignalOptions {
  /** Event-loop utilisation (0-1] above which the limits listening to this signal are capped. Default `0.9`. */
  maxUtilization?: number;
  /** Milliseconds between two readings (integer >= 10). Default `1000`. */
  interval?: number;
}

/** Readings of this process's event-loop utilisation, shared by any number of adaptive limits. */
export interface EventLoopSignal {
  /** Utilisation above which limits are capped. */
  readonly maxUtilization: number;
  /** Milliseconds between readings. */
  readonly interval: number;
  /** The latest reading (0-1; 0 before the first). */
  readonly utilization: number;
  /** Receives every reading; measuring runs only while somebody listens. Returns a disposer. */
  subscribe(listener: (utilization: number) => void): () => void;
}

/**
 * A signal from `perf_hooks`' event-loop utilisation (the share of time the loop was busy). Passed as
 * `adaptiveLimit(bulkhead, { eventLoop })`, it caps the limit while the process itself is CPU-saturated,
 * which run times alone misread. The timer is unref'd and runs only while a limit listens.
 * @throws {TypeError | RangeError} naming an invalid option.
 */
export function eventLoopSignal(options: EventLoopSignalOptions = {}): EventLoopSignal {
  validateOptionsObject('options', options);
  validateKnownKeys(options, ['maxUtilization', 'interval']);
  const maxUtilization =
    options.maxUtilization === undefined
      ? 0.9
      : validateRange('maxUtilization', options.maxUtilization, { above: 0, maximum: 1 });
  const interval = options.interval === undefined ? 1_000 : validateInteger('interval', options.interval, 10);
  return new PerformanceEventLoopSignal(maxUtilization, interval);
}

class PerformanceEventLoopSignal implements EventLoopSignal {
  utilization = 0;
  #listeners: ((utilization: number) => void)[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #previous: EventLoopUtilization | undefined;

  constructor(
    readonly maxUtilization: number,
    readonly interval: number,
  ) {}

  subscribe(listener: (utilization: number) => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    if (this.#timer === undefined) {
      this.#previous = performance.eventLoopUtilization();
      this.#timer = setInterval(() => this.#read(), this.interval);
      this.#timer.unref?.();
    }
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.#listeners = this.#listeners.filter((candidate) => candidate !== listener);
      if (this.#listeners.length === 0 && this.#timer !== undefined) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  #read(): void {
    const current = performance.eventLoopUtilization();
    this.utilization = performance.eventLoopUtilization(current, this.#previous).utilization;
    this.#previous = current;
    for (const listener of this.#listeners) listener(this.utilization);
  }
}
