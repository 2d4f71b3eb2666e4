import { measure } from 'mitata';

/** Options of `measureOperation`. */
export interface MeasureOperationOptions {
  /** Minimum CPU time mitata spends sampling, in ms. */
  minimumTimeMs: number;
}

/**
 * Median cost of one call of `operation` in nanoseconds, measured by mitata (which awaits a
 * returned promise, so an async operation is timed up to its settlement).
 */
export async function measureOperation(
  operation: () => unknown,
  options: MeasureOperationOptions,
): Promise<number> {
  const stats = await measure(operation, { min_cpu_time: options.minimumTimeMs * 1e6 });
  return stats.p50;
}

/** Wall-clock duration of `run` in milliseconds. */
export async function timeRun(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** True when the process runs with `--expose-gc`. */
export function canCollectGarbage(): boolean {
  return typeof globalThis.gc === 'function';
}

/** Runs two full collections when `--expose-gc` is set (a no-op otherwise). */
export function collectGarbage(): void {
  globalThis.gc?.();
  globalThis.gc?.();
}

/** Bytes of live JavaScript heap right now. */
export function heapUsedBytes(): number {
  return process.memoryUsage().heapUsed;
}

/** Lets pending microtasks and immediates run (e.g. a limiter's deferred bookkeeping). */
export function settleTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Smallest value (best of N runs, robust to noise from other processes). */
export function minimumOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.min(...values);
}
