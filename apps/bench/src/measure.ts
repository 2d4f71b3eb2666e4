import { measure } from 'mitata';

/** Options of `measureOperation`. */
export interface MeasureOperationOptions {
  /** Minimum CPU time mitata spends sampling, in ms. */
  minimumTimeMs: number;
}

/**
 * CPU time consumed by this process (user + system, every thread including GC helpers) in ns.
 * Benchmarks read this clock rather than the wall clock so that other processes competing for the
 * cores stretch neither side of a comparison.
 */
export function cpuTimeNanoseconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

/**
 * Median CPU cost of one call of `operation` in nanoseconds, measured by mitata on the CPU-time
 * clock (mitata awaits a returned promise, so an async operation is timed up to its settlement).
 */
export async function measureOperation(
  operation: () => unknown,
  options: MeasureOperationOptions,
): Promise<number> {
  const stats = await measure(operation, {
    min_cpu_time: options.minimumTimeMs * 1e6,
    now: cpuTimeNanoseconds,
  });
  return stats.p50;
}

/** Cost of one run: CPU time of this process and wall-clock time, both in ms. */
export interface RunTime {
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** Times `run` on both clocks. */
export async function timeRun(run: () => Promise<unknown>): Promise<RunTime> {
  const cpuStart = cpuTimeNanoseconds();
  const wallStart = performance.now();
  await run();
  return { cpuMs: (cpuTimeNanoseconds() - cpuStart) / 1e6, wallMs: performance.now() - wallStart };
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

/**
 * Full GC, then a pause so V8's concurrent sweeping of the freed heap ends before the next
 * measurement (its CPU time would otherwise be billed to whatever runs next).
 */
export async function quiesce(pauseMs = 150): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
}

/** Lets pending microtasks and immediates run (e.g. a limiter's deferred bookkeeping). */
export function settleTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Smallest value (best of N runs, robust to noise from other processes). */
export function minimumOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.min(...values);
}
