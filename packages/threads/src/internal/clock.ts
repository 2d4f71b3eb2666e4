/** Monotonic milliseconds, read through `performance` each call so fake timers can replace it. */
export function now(): number {
  return performance.now();
}
