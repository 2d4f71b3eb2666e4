import { GcPauseRecorder } from '../gc-pause-recorder.js';
import { isMainModule } from '../is-main-module.js';
import { quiesce } from '../measure.js';
import { serveChildRequest } from '../run-in-child.js';
import { limiterContenders } from './contenders.js';
import { runScaling, type ScalingRun } from './queue-scaling-run.js';

/** What the parent asks one child process to measure. */
export interface ScalingRequest {
  contenderName: string;
  size: number;
  limit: number;
  /** Measured runs (fewer when a run is slower than `slowRunMs` or unfinished). */
  runs: number;
  /** Unmeasured runs first, so the JIT has settled. */
  warmupRuns: number;
  warmupSize: number;
  deadlineMs: number;
  slowRunMs: number;
}

/**
 * Runs one contender at one queue size in this process: warm-up, then up to `runs` measured runs,
 * each after a full GC. Stops early after an unfinished or slow run.
 * @throws {RangeError} for an unknown contender name.
 */
export async function runScalingSeries(request: ScalingRequest): Promise<ScalingRun[]> {
  const contender = limiterContenders.find((candidate) => candidate.name === request.contenderName);
  if (contender === undefined) throw new RangeError(`unknown contender ${request.contenderName}`);
  const gcPauses = new GcPauseRecorder();
  gcPauses.start();
  const common = { contender, limit: request.limit, deadlineMs: request.deadlineMs, gcPauses };
  for (let run = 0; run < request.warmupRuns; run++)
    await runScaling({ ...common, size: request.warmupSize });
  const results: ScalingRun[] = [];
  for (let run = 0; run < request.runs; run++) {
    await quiesce();
    const result = await runScaling({ ...common, size: request.size });
    results.push(result);
    if (!result.finished || result.cpuPerWaiter * request.size > request.slowRunMs * 1e6) break;
  }
  gcPauses.stop();
  return results;
}

if (isMainModule(import.meta.url)) await serveChildRequest(runScalingSeries);
