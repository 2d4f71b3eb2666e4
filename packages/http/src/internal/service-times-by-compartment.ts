import { ServiceTimeEstimator } from '../service-time-estimator.js';

/** Compartments whose averages a routing guard keeps (the least recently used one is dropped past it). */
export const MAX_TRACKED_COMPARTMENTS = 1_000;

/**
 * One EWMA of service times per compartment name, for a guard that routes requests with `bulkheadFor` (it
 * meets its compartments per request, so it measures each admitted request itself instead of subscribing).
 * Keeps the `capacity` most recently used names, so a tenant per key cannot grow it without bound.
 */
export class ServiceTimesByCompartment {
  readonly #smoothing: number;
  readonly #capacity: number;
  readonly #estimators = new Map<string, ServiceTimeEstimator>();

  constructor(smoothing: number, capacity = MAX_TRACKED_COMPARTMENTS) {
    this.#smoothing = smoothing;
    this.#capacity = capacity;
  }

  /** Adds one duration (ms) of the compartment `name`. */
  record(name: string, duration: number): void {
    let estimator = this.#estimators.get(name);
    if (estimator === undefined) {
      estimator = new ServiceTimeEstimator({ smoothing: this.#smoothing });
      if (this.#estimators.size >= this.#capacity) {
        const leastRecent = this.#estimators.keys().next().value;
        if (leastRecent !== undefined) this.#estimators.delete(leastRecent);
      }
    } else {
      this.#estimators.delete(name); // re-inserted last: most recently used
    }
    this.#estimators.set(name, estimator);
    estimator.record(duration);
  }

  /** The estimate of `name` in ms, or `undefined` before its first sample. */
  estimate(name: string): number | undefined {
    return this.#estimators.get(name)?.estimate;
  }

  /** Names tracked now. */
  get size(): number {
    return this.#estimators.size;
  }

  /** Forgets every estimate. */
  clear(): void {
    this.#estimators.clear();
  }
}
