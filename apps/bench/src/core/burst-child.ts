import { isMainModule } from '../is-main-module.js';
import { quiesce, type RunTime, timeRun } from '../measure.js';
import { serveChildRequest } from '../run-in-child.js';
import { bareContender, type Contender, type Limiter, limiterContenders } from './contenders.js';
import { work } from './work.js';

/** What the parent asks one child process to measure. */
export interface BurstRequest {
  contenderName: string;
  size: number;
  limit: number;
  /** Per-waiter timeout in ms; omitted: wait without timeout. */
  timeout?: number;
  /** Measured runs (only one when a run is slower than `slowRunMs`). */
  runs: number;
  warmupRuns: number;
  warmupSize: number;
  slowRunMs: number;
}

async function launchAll(limiter: Limiter, size: number): Promise<void> {
  const pending = new Array<Promise<unknown>>(size);
  for (let index = 0; index < size; index++) pending[index] = limiter.run(work);
  await Promise.all(pending);
}

async function timeBurst(contender: Contender, request: BurstRequest, size: number): Promise<RunTime> {
  const { timeout } = request;
  const limiter = contender.create({ limit: request.limit, ...(timeout === undefined ? {} : { timeout }) });
  const time = await timeRun(() => launchAll(limiter, size));
  await limiter.dispose();
  return time;
}

/**
 * Launches `size` tasks at once through one contender, `runs` times after a warm-up, each run after
 * a full GC; stops after a run slower than `slowRunMs`.
 * @throws {RangeError} for an unknown contender name.
 */
export async function runBurstSeries(request: BurstRequest): Promise<RunTime[]> {
  const contender = [...limiterContenders, bareContender].find(
    (candidate) => candidate.name === request.contenderName,
  );
  if (contender === undefined) throw new RangeError(`unknown contender ${request.contenderName}`);
  for (let run = 0; run < request.warmupRuns; run++) await timeBurst(contender, request, request.warmupSize);
  const results: RunTime[] = [];
  for (let run = 0; run < request.runs; run++) {
    await quiesce();
    const result = await timeBurst(contender, request, request.size);
    results.push(result);
    if (result.cpuMs > request.slowRunMs) break;
  }
  return results;
}

if (isMainModule(import.meta.url)) await serveChildRequest(runBurstSeries);
