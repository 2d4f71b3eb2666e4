/** Monotonic milliseconds. Read through `performance` each call so fake timers can replace it in tests. */
export function now(): number {
  return performance.now();
}
