import { createDeferred } from '../deferred.js';
import type { GcPauseRecorder } from '../gc-pause-recorder.js';
import { cpuTimeNanoseconds } from '../measure.js';
import type { Contender, Task } from './contenders.js';

const RESOLVED: Promise<number> = Promise.resolve(1);

/** One queue-scaling run. */
export interface ScalingRun {
  readonly finished: boolean;
  /** CPU time of the process per waiter, GC included. */
  readonly cpuPerWaiter: number;
  /** Wall-clock time per waiter minus main-thread GC pauses. */
  readonly mutatorPerWaiter: number;
  /** Share of the wall-clock time spent in main-thread GC pauses (0..1). */
  readonly gcShare: number;
  readonly completed: number;
  readonly elapsedMs: number;
}

/** Options of `runScaling`. */
export interface ScalingRunOptions {
  contender: Contender;
  /** Waiters queued behind the blocked slots. */
  size: number;
  /** Concurrent slots, all blocked until every waiter is queued. */
  limit: number;
  /** Wall-clock budget of the drain; past it the run is stopped and reported unfinished. */
  deadlineMs: number;
  gcPauses: GcPauseRecorder;
}

/**
 * Fills every slot with a blocked task, queues `size` waiters, opens the gate and waits until all
 * waiters ran: enqueue + dequeue + settle cost per waiter. A drain still going `deadlineMs` after
 * the gate opened is stopped: the remaining waiters are parked on a promise of this run only (so
 * the whole limiter becomes garbage) and the run is reported unfinished.
 */
export async function runScaling(options: ScalingRunOptions): Promise<ScalingRun> {
  const { size } = options;
  const limiter = options.contender.create({ limit: options.limit });
  const gate = createDeferred();
  const done = createDeferred<boolean>();
  const never = new Promise<never>(() => {});
  const blocked: Task = () => gate.promise;
  for (let slot = 0; slot < options.limit; slot++) void limiter.run(blocked);
  let completed = 0;
  let stopped = false;
  let deadline = Number.POSITIVE_INFINITY;
  const waiter: Task = () => {
    if (stopped) return never;
    completed++;
    if (completed === size) done.resolve(true);
    else if ((completed & 1023) === 0 && performance.now() > deadline) {
      stopped = true;
      done.resolve(false);
      return never;
    }
    return RESOLVED;
  };
  const start = performance.now();
  const cpuStart = cpuTimeNanoseconds();
  for (let index = 0; index < size; index++) void limiter.run(waiter);
  deadline = performance.now() + options.deadlineMs;
  gate.resolve();
  const finished = await done.promise;
  const cpuNanoseconds = cpuTimeNanoseconds() - cpuStart;
  const end = performance.now();
  const elapsedMs = end - start;
  const gcPauseMs = await options.gcPauses.pauseBetween(start, end);
  if (finished) await limiter.dispose();
  return {
    finished,
    cpuPerWaiter: cpuNanoseconds / size,
    mutatorPerWaiter: ((elapsedMs - gcPauseMs) * 1e6) / size,
    gcShare: gcPauseMs / elapsedMs,
    completed,
    elapsedMs,
  };
}
