/** The three parts of the adaptive phase. */
export type AdaptivePhaseName = 'healthy' | 'degraded' | 'recovered';

/** Where a part of the adaptive phase lies on its time axis (ms since it started). */
export interface AdaptiveWindow {
  readonly phase: AdaptivePhaseName;
  readonly startMs: number;
  readonly endMs: number;
  /** Requests the user service serves at once during this part. */
  readonly capacity: number;
}

/** Options of `adaptiveWindows`. */
export interface AdaptiveWindowsOptions {
  /** Length of the whole phase, s. */
  seconds: number;
  /** The user service's healthy capacity. */
  capacity: number;
}

/** The degraded service serves a quarter of its healthy capacity (at least 1). */
export function degradedCapacity(capacity: number): number {
  return Math.max(1, Math.round(capacity / 4));
}

/**
 * Healthy for the first sixth, degraded to a quarter of the capacity for the next half, recovered for
 * the last third.
 */
export function adaptiveWindows(options: AdaptiveWindowsOptions): AdaptiveWindow[] {
  const totalMs = options.seconds * 1000;
  const degradedAt = Math.round(totalMs / 6);
  const recoveredAt = Math.round((totalMs * 2) / 3);
  return [
    { phase: 'healthy', startMs: 0, endMs: degradedAt, capacity: options.capacity },
    {
      phase: 'degraded',
      startMs: degradedAt,
      endMs: recoveredAt,
      capacity: degradedCapacity(options.capacity),
    },
    { phase: 'recovered', startMs: recoveredAt, endMs: totalMs, capacity: options.capacity },
  ];
}
