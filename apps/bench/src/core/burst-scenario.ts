import {
  formatCount,
  formatMilliseconds,
  formatNanoseconds,
  formatOperationsPerSecond,
  formatRatio,
} from '../format-number.js';
import { formatTable } from '../format-table.js';
import { minimumOf, type RunTime } from '../measure.js';
import { runInChild } from '../run-in-child.js';
import type { BurstRequest } from './burst-child.js';
import { bareContender, type Contender, limiterContenders } from './contenders.js';
import { compareWithPeers, oursFigure, peerFigures, type ScenarioReport } from './report.js';
import type { CoreBenchSettings } from './settings.js';

const LIMIT = 10;
const TIMEOUT_MS = 30_000;

/** Options of `runBurstScenario`. */
export interface BurstScenarioOptions {
  /** Per-waiter timeout in ms; omitted: wait without timeout. */
  timeout?: number;
}

/** `size` tasks launched at once through a limit of 10, all awaited: ms per batch. */
export async function runBurstScenario(
  settings: CoreBenchSettings,
  options: BurstScenarioOptions = {},
): Promise<ScenarioReport> {
  const { timeout } = options;
  const size = settings.burstSize;
  const contenders: readonly Contender[] =
    timeout === undefined ? [...limiterContenders, bareContender] : limiterContenders;
  const samples: number[][] = [];
  const wallSamples: number[][] = [];
  for (const contender of contenders) {
    const series = await runInChild<BurstRequest, RunTime[]>(import.meta.url, 'burst-child', {
      contenderName: contender.name,
      size,
      limit: LIMIT,
      ...(timeout === undefined ? {} : { timeout }),
      runs: settings.burstRuns,
      warmupRuns: 3,
      warmupSize: Math.ceil(size / 10),
      slowRunMs: settings.slowRunMs,
    });
    samples.push(series.map((run) => run.cpuMs));
    wallSamples.push(series.map((run) => run.wallMs));
  }
  const batches = samples.map(minimumOf);
  const walls = wallSamples.map(minimumOf);
  const ours = oursFigure(contenders, batches);
  const rows = contenders.map((contender, index) => {
    const batch = batches[index] ?? Number.NaN;
    const perTask = (batch * 1e6) / size;
    return [
      contender.kind === 'baseline' ? `${contender.name} (no limit, reference)` : contender.name,
      formatMilliseconds(batch),
      formatNanoseconds(perTask),
      formatOperationsPerSecond(perTask),
      formatRatio(batch / ours),
      formatMilliseconds(walls[index] ?? Number.NaN),
      String(samples[index]?.length ?? 0),
    ];
  });
  const label =
    timeout === undefined ? 'waiting without timeout' : `${TIMEOUT_MS / 1000} s timeout on every waiter`;
  const notes = [
    `CPU time of the measuring process from the first launch until all ${formatCount(size)} promises settled; ` +
      `best of the runs shown (a contender slower than ${settings.slowRunMs} ms per batch is run once); ` +
      'wall = best wall-clock time of the same runs. Each contender runs in a fresh child process after 3 ' +
      'warm-up batches of a tenth of the size, each run after a full GC.',
  ];
  if (timeout !== undefined) {
    for (const contender of contenders) notes.push(`${contender.name}: ${contender.timeoutNote}.`);
  } else {
    notes.push('@x/bulkhead-core waits with `timeout: Infinity` (no timer at all).');
  }
  return {
    title: `${formatCount(size)} tasks launched at once (limit ${LIMIT}), ${label}`,
    table: formatTable({
      headers: [
        'contender',
        `ms per ${formatCount(size)}`,
        'ns/task',
        'tasks/s',
        'time vs ours',
        'wall ms',
        'runs',
      ],
      rows,
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    }),
    notes,
    verdicts: [
      compareWithPeers({
        label: `${formatCount(size)} at once, ${label}`,
        ours,
        better: 'faster',
        peers: peerFigures(contenders, batches),
      }),
    ],
  };
}

/** The burst scenario with a 30 s timeout on every waiter. */
export function runBurstWithTimeoutScenario(settings: CoreBenchSettings): Promise<ScenarioReport> {
  return runBurstScenario(settings, { timeout: TIMEOUT_MS });
}
