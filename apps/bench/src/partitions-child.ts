import { isMainModule } from './is-main-module.js';
import { measureOperation } from './measure.js';
import { type PartitionsContender, partitionsContenders } from './partitions-contenders.js';
import { serveChildRequest } from './run-in-child.js';

/** What the parent asks one child process to measure: both scenarios of one contender. */
export interface PartitionsRequest {
  contenderName: string;
  limit: number;
  burst: number;
  /** Calls per uncontended sample. */
  sequence: number;
  /** Bursts per burst sample, one after the other. */
  burstsPerSample: number;
  minimumTimeMs: number;
}

/** ns per call of each scenario. */
export interface PartitionsResult {
  uncontended: number;
  burst: number;
}

async function work(): Promise<number> {
  return 1;
}

/** ns per call: one call at a time with free permits (`sequence` awaited calls per sample). */
async function uncontended(contender: PartitionsContender, request: PartitionsRequest): Promise<number> {
  const run = contender.create(request.limit);
  const perSequence = await measureOperation(
    async () => {
      for (let index = 0; index < request.sequence; index++) await run(work);
    },
    { minimumTimeMs: request.minimumTimeMs },
  );
  return perSequence / request.sequence;
}

/** ns per call: `burst` calls at once through `limit` permits (most of them queue), `burstsPerSample` times per sample. */
async function burst(contender: PartitionsContender, request: PartitionsRequest): Promise<number> {
  const run = contender.create(request.limit);
  const options = { timeout: Number.POSITIVE_INFINITY };
  const calls = new Array<Promise<number>>(request.burst);
  const perSample = await measureOperation(
    async () => {
      for (let round = 0; round < request.burstsPerSample; round++) {
        for (let index = 0; index < request.burst; index++) calls[index] = run(work, options);
        await Promise.all(calls);
      }
    },
    { minimumTimeMs: request.minimumTimeMs },
  );
  return perSample / (request.burst * request.burstsPerSample);
}

/**
 * Measures both scenarios of one contender (in a fresh process: no contender inherits the JIT feedback
 * another one left in the code they share, such as core's wait list).
 * @throws {RangeError} for an unknown contender name.
 */
export async function measurePartitionsContender(request: PartitionsRequest): Promise<PartitionsResult> {
  const contender = partitionsContenders.find((candidate) => candidate.name === request.contenderName);
  if (contender === undefined) throw new RangeError(`unknown contender ${request.contenderName}`);
  return { uncontended: await uncontended(contender, request), burst: await burst(contender, request) };
}

if (isMainModule(import.meta.url)) await serveChildRequest(measurePartitionsContender);
