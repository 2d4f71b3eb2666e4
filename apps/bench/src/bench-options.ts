/** Options every benchmark area's `main()` accepts. */
export interface BenchOptions {
  /** Fewer iterations (smoke run). */
  quick?: boolean;
}

/** Whether `--quick` was passed on the command line (for areas started directly). */
export function quickFromArgv(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--quick');
}
