import type { NumericOption } from '../cli/parse-options.js';

/** The batch-flood phase's knobs on the command line. */
export const FLOOD_NUMERIC_OPTIONS: readonly NumericOption[] = [
  {
    flag: 'flood-seconds',
    key: 'floodSeconds',
    help: 'batch-flood phase: live alone for 1/4, then a batch flood, s (0: skip)',
    integer: false,
    min: 0,
  },
  {
    flag: 'flood-workers',
    key: 'floodWorkers',
    help: 'batch-flood phase: batch workers, each calling again at once',
    integer: true,
    min: 1,
  },
  {
    flag: 'live-rate',
    key: 'liveRate',
    help: 'batch-flood phase: live calls/s to the reports database, per side',
    integer: false,
    min: 1,
  },
];
