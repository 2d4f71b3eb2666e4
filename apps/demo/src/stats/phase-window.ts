import type { PhaseName } from '../config.js';

/** Where a phase lies on a run's time axis (ms since the run started). */
export interface PhaseWindow {
  readonly phase: PhaseName;
  readonly startMs: number;
  readonly endMs: number;
}

/** The scenario's phases laid end to end. */
export function phaseWindows(durations: {
  healthyMs: number;
  hangMs: number;
  recoveredMs: number;
}): PhaseWindow[] {
  const hangStart = durations.healthyMs;
  const recoveredStart = hangStart + durations.hangMs;
  return [
    { phase: 'healthy', startMs: 0, endMs: hangStart },
    { phase: 'hang', startMs: hangStart, endMs: recoveredStart },
    { phase: 'recovered', startMs: recoveredStart, endMs: recoveredStart + durations.recoveredMs },
  ];
}
