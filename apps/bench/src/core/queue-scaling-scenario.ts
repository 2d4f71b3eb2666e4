import { formatCount, formatNanoseconds, formatRatio } from '../format-number.js';
import { formatTable } from '../format-table.js';
import { minimumOf } from '../measure.js';
import { runInChild } from '../run-in-child.js';
import { type Contender, limiterContenders } from './contenders.js';
import type { ScalingRequest } from './queue-scaling-child.js';
import type { ScalingRun } from './queue-scaling-run.js';
import { compareWithPeers, peerFigures, type ScenarioReport, type Verdict } from './report.js';
import type { CoreBenchSettings } from './settings.js';

const LIMIT = 10;
/** Target: cost per waiter at every size within this factor of the cheapest size. */
const FLAT_TARGET = 1.5;

/** Best figures of one contender at one size; `undefined` when not run. */
interface SizeResult {
  readonly cpuPerWaiter: number;
  readonly mutatorPerWaiter: number;
  readonly gcShare: number;
}

/** Results per contender (rows) and size (columns), plus the run that stopped a contender, if any. */
interface ScalingResults {
  readonly cells: (SizeResult | undefined)[][];
  readonly stopped: Map<Contender, ScalingRun & { size: number }>;
}

async function measureAllSizes(
  contenders: readonly Contender[],
  settings: CoreBenchSettings,
): Promise<ScalingResults> {
  const cells = contenders.map((): (SizeResult | undefined)[] => settings.scaling.map(() => undefined));
  const stopped = new Map<Contender, ScalingRun & { size: number }>();
  for (const [sizeIndex, { size, runs }] of settings.scaling.entries()) {
    for (const [index, contender] of contenders.entries()) {
      if (stopped.has(contender)) continue;
      const series = await runInChild<ScalingRequest, ScalingRun[]>(import.meta.url, 'queue-scaling-child', {
        contenderName: contender.name,
        size,
        limit: LIMIT,
        runs,
        warmupRuns: 10,
        warmupSize: settings.scaling[0]?.size ?? 1000,
        deadlineMs: settings.runDeadlineMs,
        slowRunMs: settings.slowRunMs,
      });
      const finished = series.filter((run) => run.finished);
      const unfinished = series.find((run) => !run.finished);
      if (unfinished !== undefined) stopped.set(contender, { ...unfinished, size });
      const row = cells[index];
      if (row === undefined || finished.length === 0) continue;
      row[sizeIndex] = {
        cpuPerWaiter: minimumOf(finished.map((run) => run.cpuPerWaiter)),
        mutatorPerWaiter: minimumOf(finished.map((run) => run.mutatorPerWaiter)),
        gcShare: minimumOf(finished.map((run) => run.gcShare)),
      };
    }
  }
  return { cells, stopped };
}

function spread(values: readonly number[]): number {
  return Math.max(...values) / Math.min(...values);
}

/** Queue scaling: cost per enqueue + dequeue with 10k, 100k and 1M waiters. */
export async function runQueueScalingScenario(settings: CoreBenchSettings): Promise<ScenarioReport> {
  const contenders = limiterContenders;
  const sizes = settings.scaling.map((entry) => entry.size);
  const { cells, stopped } = await measureAllSizes(contenders, settings);
  const largest = sizes.length - 1;
  const oursIndex = contenders.findIndex((contender) => contender.kind === 'ours');
  const figure = (index: number, sizeIndex: number, pick: (result: SizeResult) => number): number => {
    const result = cells[index]?.[sizeIndex];
    if (result !== undefined) return pick(result);
    const contender = contenders[index];
    const stop = contender === undefined ? undefined : stopped.get(contender);
    return stop !== undefined && stop.size <= (sizes[sizeIndex] ?? 0) ? Number.POSITIVE_INFINITY : Number.NaN;
  };
  const describeMissing = (contender: Contender, sizeIndex: number): string => {
    const stop = stopped.get(contender);
    if (stop === undefined || stop.size !== sizes[sizeIndex]) return 'not run';
    return `> ${(stop.elapsedMs / 1000).toFixed(0)} s, stopped at ${formatCount(stop.completed)}`;
  };
  const table = (pick: (result: SizeResult) => number, withShare: boolean): string =>
    formatTable({
      headers: [
        'contender',
        ...sizes.map((size) => `ns/waiter @ ${formatCount(size)}`),
        'max/min',
        `vs ours @ ${formatCount(sizes[largest] ?? 0)}`,
      ],
      rows: contenders.map((contender, index) => {
        const values = sizes.map((_, sizeIndex) => figure(index, sizeIndex, pick));
        const cellsText = values.map((value, sizeIndex) => {
          const result = cells[index]?.[sizeIndex];
          if (result === undefined) return describeMissing(contender, sizeIndex);
          const share = withShare ? ` (GC ${(result.gcShare * 100).toFixed(0)}%)` : '';
          return `${formatNanoseconds(value)}${share}`;
        });
        const oursLargest = figure(oursIndex, largest, pick);
        return [
          contender.name,
          ...cellsText,
          values.every(Number.isFinite) ? formatRatio(spread(values)) : 'unbounded',
          formatRatio((values[largest] ?? Number.NaN) / oursLargest),
        ];
      }),
      align: ['left', ...sizes.map((): 'right' => 'right'), 'right', 'right'],
    });
  const cpu = (result: SizeResult): number => result.cpuPerWaiter;
  const mutator = (result: SizeResult): number => result.mutatorPerWaiter;
  const verdicts: Verdict[] = sizes.map((size, sizeIndex) =>
    compareWithPeers({
      label: `queue of ${formatCount(size)} (CPU incl. GC)`,
      ours: figure(oursIndex, sizeIndex, cpu),
      better: 'faster',
      peers: peerFigures(
        contenders,
        contenders.map((_, index) => figure(index, sizeIndex, cpu)),
      ),
    }),
  );
  const flatness = (label: string, pick: (result: SizeResult) => number, fromIndex: number): Verdict => {
    const growth = spread(
      sizes.slice(fromIndex).map((_, offset) => figure(oursIndex, fromIndex + offset, pick)),
    );
    const range = `${formatCount(sizes[fromIndex] ?? 0)} to ${formatCount(sizes[largest] ?? 0)}`;
    return {
      pass: growth <= FLAT_TARGET,
      text: `flat cost (${label}): ours varies by ${formatRatio(growth)} from ${range} (max/min; target <= ${FLAT_TARGET}×)`,
    };
  };
  verdicts.push(flatness('CPU incl. GC', cpu, 0), flatness('wall minus GC pauses', mutator, 0));
  if (sizes.length > 2) verdicts.push(flatness('CPU incl. GC, past the young-generation step', cpu, 1));
  return {
    title: `Queue scaling (limit ${LIMIT}, all slots blocked, then N waiters drained)`,
    table: [
      '**CPU time per waiter, GC included** (what the process pays):',
      '',
      table(cpu, false),
      '',
      '**Wall time per waiter minus main-thread GC pauses** (the queue code itself; GC pause share in brackets):',
      '',
      table(mutator, true),
    ].join('\n'),
    notes: [
      'Per waiter: enqueue + dequeue + run of a resolved task + settle, from the first enqueue to the last ' +
        `completion; best of ${settings.scaling.map((entry) => entry.runs).join(' / ')} runs, each after a full GC ` +
        'and a pause for concurrent sweeping. Each contender and size runs in a fresh child process (after 10 ' +
        'warm-up runs) so that no contender inherits another one’s JIT feedback or heap.',
      'Waiters that outlive the young generation (16 MB semi-spaces on Node 20) are copied and promoted by the ' +
        'GC: that step hits every contender between 10k and 100k waiters and is not the queue’s own cost.',
      `A drain still going ${settings.runDeadlineMs / 1000} s (wall clock) after its gate opened is stopped ` +
        'and reported as such.',
    ],
    verdicts,
  };
}
