import { createDeferred } from '../deferred.js';
import { formatCount, formatNanoseconds, formatRatio } from '../format-number.js';
import { formatTable } from '../format-table.js';
import { collectGarbage, cpuTimeNanoseconds, minimumOf } from '../measure.js';
import { type Contender, limiterContenders, type Task } from './contenders.js';
import { compareWithPeers, peerFigures, type ScenarioReport, type Verdict } from './report.js';
import type { CoreBenchSettings } from './settings.js';

const LIMIT = 10;
/** Target: cost per waiter at the largest size within this factor of the smallest. */
const FLAT_TARGET = 1.5;
const RESOLVED: Promise<number> = Promise.resolve(1);

/** One queue-scaling run: ns per waiter, or how far it got before the deadline. */
interface ScalingRun {
  readonly finished: boolean;
  readonly nanosecondsPerWaiter: number;
  readonly completed: number;
  readonly elapsedMs: number;
}

/**
 * Fills every slot with a blocked task, queues `size` waiters, opens the gate and waits until all
 * waiters ran: enqueue + dequeue + settle cost per waiter. When the drain is still going `deadlineMs`
 * after the gate opened, the remaining waiters are parked on a promise of this run only (so the whole
 * limiter becomes garbage) and the run is reported unfinished.
 */
async function runScaling(contender: Contender, size: number, deadlineMs: number): Promise<ScalingRun> {
  const limiter = contender.create({ limit: LIMIT });
  const gate = createDeferred();
  const done = createDeferred<boolean>();
  const blocked: Task = () => gate.promise;
  for (let slot = 0; slot < LIMIT; slot++) void limiter.run(blocked);
  const never = new Promise<never>(() => {});
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
  deadline = performance.now() + deadlineMs;
  gate.resolve();
  const finished = await done.promise;
  const cpuNanoseconds = cpuTimeNanoseconds() - cpuStart;
  const elapsedMs = performance.now() - start;
  if (finished) await limiter.dispose();
  return { finished, nanosecondsPerWaiter: cpuNanoseconds / size, completed, elapsedMs };
}

/** Queue scaling: cost per enqueue + dequeue with 10k, 100k and 1M waiters. */
export async function runQueueScalingScenario(settings: CoreBenchSettings): Promise<ScenarioReport> {
  const contenders = limiterContenders;
  const sizes = settings.scaling.map((entry) => entry.size);
  for (const contender of contenders) await runScaling(contender, 1000, settings.runDeadlineMs);
  /** costs[contender][size] in ns/waiter; Infinity when unfinished. */
  const costs = contenders.map(() => sizes.map(() => Number.NaN));
  const unfinished = new Map<Contender, ScalingRun & { size: number }>();
  for (const [sizeIndex, { size, runs }] of settings.scaling.entries()) {
    const samples = contenders.map((): number[] => []);
    for (let run = 0; run < runs; run++) {
      for (const [index, contender] of contenders.entries()) {
        if (unfinished.has(contender)) continue;
        const previous = samples[index] ?? [];
        if (previous.length > 0 && minimumOf(previous) * size > settings.slowRunMs * 1e6) continue;
        collectGarbage();
        const result = await runScaling(contender, size, settings.runDeadlineMs);
        if (result.finished) previous.push(result.nanosecondsPerWaiter);
        else unfinished.set(contender, { ...result, size });
      }
    }
    for (const [index, contender] of contenders.entries()) {
      const row = costs[index];
      if (row === undefined) continue;
      const stopped = unfinished.get(contender);
      row[sizeIndex] =
        stopped !== undefined && stopped.size <= size
          ? Number.POSITIVE_INFINITY
          : minimumOf(samples[index] ?? []);
    }
  }
  collectGarbage();
  const smallest = 0;
  const largest = sizes.length - 1;
  const growthOf = (row: readonly number[]): number => Math.max(...row) / Math.min(...row);
  const oursRow = costs[contenders.findIndex((contender) => contender.kind === 'ours')] ?? [];
  const rows = contenders.map((contender, index) => {
    const row = costs[index] ?? [];
    const stopped = unfinished.get(contender);
    const cells = row.map((cost, sizeIndex) => {
      if (cost !== Number.POSITIVE_INFINITY) return formatNanoseconds(cost);
      if (stopped !== undefined && stopped.size === sizes[sizeIndex]) {
        return `> ${(stopped.elapsedMs / 1000).toFixed(0)} s, stopped at ${formatCount(stopped.completed)}`;
      }
      return 'not run';
    });
    const finite = row.filter(Number.isFinite);
    return [
      contender.name,
      ...cells,
      finite.length === row.length ? formatRatio(growthOf(row)) : 'unbounded',
      formatRatio((row[largest] ?? Number.NaN) / (oursRow[largest] ?? Number.NaN)),
    ];
  });
  const verdicts: Verdict[] = sizes.map((size, sizeIndex) =>
    compareWithPeers({
      label: `queue of ${formatCount(size)}`,
      ours: oursRow[sizeIndex] ?? Number.NaN,
      better: 'faster',
      peers: peerFigures(
        contenders,
        costs.map((row) => row[sizeIndex] ?? Number.NaN),
      ),
    }),
  );
  const oursGrowth = growthOf(oursRow);
  verdicts.push({
    pass: oursGrowth <= FLAT_TARGET,
    text:
      `cost per waiter from ${formatCount(sizes[smallest] ?? 0)} to ${formatCount(sizes[largest] ?? 0)} ` +
      `varies by ${formatRatio(oursGrowth)} (max/min; target <= ${FLAT_TARGET}× = flat)`,
  });
  return {
    title: `Queue scaling (limit ${LIMIT}, all slots blocked, then N waiters drained)`,
    table: formatTable({
      headers: [
        'contender',
        ...sizes.map((size) => `ns/waiter @ ${formatCount(size)}`),
        'max/min',
        `time vs ours @ ${formatCount(sizes[largest] ?? 0)}`,
      ],
      rows,
      align: ['left', ...sizes.map((): 'right' => 'right'), 'right', 'right'],
    }),
    notes: [
      'Per waiter: enqueue + dequeue + run of a resolved task + settle, in CPU time of this process from the ' +
        `first enqueue to the last completion; best of ${settings.scaling.map((entry) => entry.runs).join(' / ')} runs.`,
      `A run still draining ${settings.runDeadlineMs / 1000} s (wall clock) after its gate opened is stopped ` +
        'and reported as such.',
    ],
    verdicts,
  };
}
