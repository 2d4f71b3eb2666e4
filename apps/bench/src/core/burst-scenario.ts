import {
  formatCount,
  formatMilliseconds,
  formatNanoseconds,
  formatOperationsPerSecond,
  formatRatio,
} from '../format-number.js';
import { formatTable } from '../format-table.js';
import { collectGarbage, minimumOf, type RunTime, timeRun } from '../measure.js';
import { bareContender, type Contender, type Limiter, limiterContenders } from './contenders.js';
import { compareWithPeers, oursFigure, peerFigures, type ScenarioReport } from './report.js';
import type { CoreBenchSettings } from './settings.js';
import { work } from './work.js';

const LIMIT = 10;
const TIMEOUT_MS = 30_000;

async function launchAll(limiter: Limiter, size: number): Promise<void> {
  const pending = new Array<Promise<unknown>>(size);
  for (let index = 0; index < size; index++) pending[index] = limiter.run(work);
  await Promise.all(pending);
}

async function timeBurst(contender: Contender, size: number, timeout: number | undefined): Promise<RunTime> {
  const limiter = contender.create({ limit: LIMIT, ...(timeout === undefined ? {} : { timeout }) });
  const elapsed = await timeRun(() => launchAll(limiter, size));
  await limiter.dispose();
  return elapsed;
}

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
  for (const contender of contenders) await timeBurst(contender, Math.ceil(size / 10), timeout);
  const samples = contenders.map((): number[] => []);
  const wallSamples = contenders.map((): number[] => []);
  for (let run = 0; run < settings.burstRuns; run++) {
    for (const [index, contender] of contenders.entries()) {
      const previous = samples[index] ?? [];
      if (previous.length > 0 && minimumOf(previous) > settings.slowRunMs) continue;
      collectGarbage();
      const { cpuMs, wallMs } = await timeBurst(contender, size, timeout);
      previous.push(cpuMs);
      wallSamples[index]?.push(wallMs);
    }
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
    `CPU time of this process from the first launch until all ${formatCount(size)} promises settled; ` +
      `best of the runs shown (a contender slower than ${settings.slowRunMs} ms per batch is run once); ` +
      'wall = best wall-clock time of the same runs.',
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
