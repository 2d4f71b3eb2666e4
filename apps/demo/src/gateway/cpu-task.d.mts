/** Input of the CPU-heavy task. */
export interface CpuTaskInput {
  /** Loop iterations; the work grows linearly with it (about 1 ms per 500 000 on a laptop core). */
  iterations: number;
}

/**
 * A deterministic CPU-bound computation standing in for template rendering, image resizing or a
 * pricing simulation. Blocks the thread it runs on.
 */
export declare function runCpuTask(input: CpuTaskInput): number;
