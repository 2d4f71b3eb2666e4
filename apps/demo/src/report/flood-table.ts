import type { FloodRun, FloodSideRun } from '../batch-flood/flood-phase.js';
import type { FloodSideStats } from '../batch-flood/flood-stats.js';
import { formatMs, formatPercent, formatRate } from './format.js';
import { renderGrid } from './terminal-table.js';

/** The column headings of one side, in the terminal and in the report. */
export const FLOOD_COLUMNS = [
  'live ok/s',
  'live served',
  'live p50',
  'live p99',
  'batch ok/s',
  'batch held while live waits',
] as const;

/** One side's cells of one part, in `FLOOD_COLUMNS` order. */
export function floodCells(stats: FloodSideStats | undefined): string[] {
  if (stats === undefined) return FLOOD_COLUMNS.map(() => '');
  return [
    formatRate(stats.liveOkPerSecond),
    Number.isNaN(stats.liveServedRate) ? '-' : formatPercent(stats.liveServedRate),
    formatMs(stats.liveP50),
    formatMs(stats.liveP99),
    formatRate(stats.batchOkPerSecond),
    stats.batchHeldWhileLiveWaits === 0 ? '-' : String(stats.batchHeldWhileLiveWaits),
  ];
}

/** The headline of the batch-flood phase: the compartment and what each side received. */
export function describeFloodSetup(run: FloodRun): string {
  return (
    `Batch flood: a reports database of ${run.connections} connections (${run.queryLatencyMs} ms per query); ` +
    `${formatRate(run.liveRate)} live calls/s to each side (a live call gives up after waiting ${formatMs(run.liveTimeoutMs)}), ` +
    `then a batch job of ${run.workers} workers`
  );
}

/** What batch did while live waited, and what live got, during the flood: one line per side. */
export function describeFloodSide(side: FloodSideRun, connections: number): string {
  const flood = side.stats.find((stats) => stats.phase === 'flood');
  if (flood === undefined) return `${side.label}: no flood part`;
  return (
    `${side.label}: during the flood live was served ${formatPercent(flood.liveServedRate)} (p99 ${formatMs(flood.liveP99)}), ` +
    `batch ${formatRate(flood.batchOkPerSecond)} calls/s; while a live call waited, batch held up to ${flood.batchHeldWhileLiveWaits} ` +
    `of ${connections} connections and was admitted ${flood.batchGrantsWhileLiveWaits} times` +
    (flood.batchGrantsWhileLiveWaits === 0 ? '' : ` (up to ${flood.batchPeakAtGrantWhileLiveWaits} held)`)
  );
}

/** `grid` with a line above it naming each column group, from each `| ` of its header line on. */
function withGroupLine(grid: string, labels: readonly string[]): string {
  const [header = ''] = grid.split('\n');
  let line = '';
  let from = 0;
  for (const label of labels) {
    const at = header.indexOf('| ', from);
    if (at < 0) break;
    line = `${line.padEnd(at)}| ${label}`;
    from = at + 2;
  }
  return `${line}\n${grid}`;
}

/** The batch-flood phase in the terminal: per part, live and batch figures for each side; then one line per side. */
export function renderFloodTable(run: FloodRun): string {
  const header = ['part', 'batch workers'];
  const separators = new Set<number>();
  for (const _side of run.sides) {
    separators.add(header.length);
    header.push(...FLOOD_COLUMNS);
  }
  const rows: string[][] = [header];
  for (const [index, window] of run.windows.entries()) {
    const workers = window.phase === 'flood' ? String(run.workers) : '0';
    rows.push([window.phase, workers, ...run.sides.flatMap((side) => floodCells(side.stats[index]))]);
  }
  return [
    describeFloodSetup(run),
    '',
    withGroupLine(
      renderGrid(rows, separators),
      run.sides.map((side) => side.label),
    ),
    '',
    '(live p50/p99: every live call, a call that gave up at the time it did; batch held while live waits: most batch',
    ' permits at an instant a live call waited, sampled every 50 ms)',
    ...run.sides.map((side) => `  ${describeFloodSide(side, run.connections)}`),
  ].join('\n');
}
