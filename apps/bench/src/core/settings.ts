/** Knobs of the core benchmark; `--quick` shrinks them. */
export interface CoreBenchSettings {
  /** Interleaved rounds of the micro benchmarks (best round kept). */
  readonly rounds: number;
  /** mitata sampling time per contender and round, in ms. */
  readonly minimumTimeMs: number;
  /** Tasks launched at once in the burst scenario. */
  readonly burstSize: number;
  /** Measured runs per contender in the burst scenario (best kept). */
  readonly burstRuns: number;
  /** A contender whose run takes longer than this is not run again. */
  readonly slowRunMs: number;
  /** Waiter counts of the queue-scaling scenario, with the runs per size. */
  readonly scaling: readonly { readonly size: number; readonly runs: number }[];
  /** A queue-scaling run still draining after this is stopped and reported as unfinished. */
  readonly runDeadlineMs: number;
  /** Waiters queued when measuring retained bytes. */
  readonly memoryWaiters: number;
}

/** Settings for a full run (a few minutes on 2 cores) or a quick smoke run. */
export function coreBenchSettings(quick: boolean): CoreBenchSettings {
  return quick
    ? {
        rounds: 1,
        minimumTimeMs: 150,
        burstSize: 100_000,
        burstRuns: 2,
        slowRunMs: 1000,
        scaling: [
          { size: 10_000, runs: 4 },
          { size: 100_000, runs: 1 },
          { size: 1_000_000, runs: 1 },
        ],
        runDeadlineMs: 4000,
        memoryWaiters: 20_000,
      }
    : {
        rounds: 3,
        minimumTimeMs: 300,
        burstSize: 100_000,
        burstRuns: 5,
        slowRunMs: 2000,
        scaling: [
          { size: 10_000, runs: 8 },
          { size: 100_000, runs: 3 },
          { size: 1_000_000, runs: 2 },
        ],
        runDeadlineMs: 10_000,
        memoryWaiters: 100_000,
      };
}
