/** The two parts of the batch-flood phase. */
export type FloodPartName = 'calm' | 'flood';

/** Where a part of the batch-flood phase lies on its time axis (ms since it started). */
export interface FloodWindow {
  readonly phase: FloodPartName;
  readonly startMs: number;
  readonly endMs: number;
}

/** Live traffic alone for the first quarter of `seconds`, then live traffic and the batch flood. */
export function floodWindows(seconds: number): FloodWindow[] {
  const totalMs = seconds * 1000;
  const floodAt = Math.round(totalMs / 4);
  return [
    { phase: 'calm', startMs: 0, endMs: floodAt },
    { phase: 'flood', startMs: floodAt, endMs: totalMs },
  ];
}
