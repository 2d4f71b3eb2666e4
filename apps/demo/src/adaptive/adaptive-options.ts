import type { NumericOption } from '../cli/parse-options.js';

/** The adaptive phase's knobs on the command line. */
export const ADAPTIVE_NUMERIC_OPTIONS: readonly NumericOption[] = [
  {
    flag: 'adaptive-seconds',
    key: 'adaptiveSeconds',
    help: 'adaptive-limit phase: user service at 1/4 capacity mid-phase, s (0: skip)',
    integer: false,
    min: 0,
  },
  {
    flag: 'adaptive-rate',
    key: 'adaptiveRate',
    help: 'adaptive phase: calls/s to the user service, per side',
    integer: false,
    min: 1,
  },
  {
    flag: 'user-capacity',
    key: 'userCapacity',
    help: 'adaptive phase: healthy user service capacity, also the fixed limit',
    integer: true,
    min: 4,
  },
];
