import { ThreadPoolBulkhead } from '@x/bulkhead-threads';
import type { CpuTaskInput } from './cpu-task.mjs';

/** Options of `createCpuCompartment`. */
export interface CpuCompartmentOptions {
  /** Compartment name. */
  name: string;
  /** Worker threads. */
  maxWorkers: number;
  /** Tasks allowed to wait for a worker. */
  queueSize: number;
  /** Budget of one task, queue wait plus run, in ms. */
  timeoutMs: number;
}

/** The CPU-heavy route's compartment: tasks run on worker threads, never on the event loop. */
export interface CpuCompartment {
  /** The thread pool, for `/bulkheads`, metrics and the dashboard. */
  readonly bulkhead: ThreadPoolBulkhead;
  /**
   * Runs `runCpuTask(input)` (from `cpu-task.mjs`) on a worker thread.
   * @throws {BulkheadFullError} (rejection) when workers and queue are full or the budget ran out in the queue.
   * @throws {BulkheadTimeoutError} (rejection) when the task ran out of its budget; its worker was terminated.
   */
  run(input: CpuTaskInput): Promise<number>;
  /** Terminates the workers. */
  close(): Promise<void>;
}

/** Builds the CPU compartment on `ThreadPoolBulkhead` from `@x/bulkhead-threads`. */
export function createCpuCompartment(options: CpuCompartmentOptions): CpuCompartment {
  const bulkhead = new ThreadPoolBulkhead(options.name, {
    filename: new URL('./cpu-task.mjs', import.meta.url),
    maxWorkers: options.maxWorkers,
    maxQueue: options.queueSize,
    runTimeout: options.timeoutMs,
  });
  return {
    bulkhead,
    run: (input) => bulkhead.execute<number>(input, { name: 'runCpuTask' }),
    close: () => bulkhead.close({ timeout: 0 }),
  };
}
