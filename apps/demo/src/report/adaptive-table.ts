import type { AdaptiveRun, AdaptiveSideRun } from '../adaptive/adaptive-phase.js';
import type { AdaptiveSideStats } from '../adaptive/adaptive-stats.js';
import { formatMs, formatPercent, formatRate } from './format.js';
import { renderGrid } from './terminal-table.js';

/** `14 (8-40)`: the median limit of a part, and the lowest and highest seen. */
export function formatLimit(stats: AdaptiveSideStats): string {
  if (Number.isNaN(stats.limitMedian)) return '-';
  return stats.limitMin === stats.limitMax
    ? String(stats.limitMedian)
    : `${stats.limitMedian} (${stats.limitMin}-${stats.limitMax})`;
}

/** The limit `side` had in force at `atMs`: the last change up to then, else the last sample, else `NaN`. */
export function limitAt(side: Pick<AdaptiveSideRun, 'limits' | 'changes'>, atMs: number): number {
  const change = side.changes.filter((entry) => entry.atMs <= atMs).at(-1);
  const sample = side.limits.filter((entry) => entry.atMs <= atMs).at(-1);
  if (change !== undefined && (sample === undefined || change.atMs >= sample.atMs)) return change.limit;
  return sample?.limit ?? Number.NaN;
}

/**
 * Seconds from the start of the degraded part until the adaptive limit first came within twice the
 * degraded capacity (0 when it already was); `undefined` when it never did.
 */
export function secondsToFollow(run: AdaptiveRun, side: AdaptiveSideRun): number | undefined {
  const degraded = run.windows.find((window) => window.phase === 'degraded');
  if (degraded === undefined) return undefined;
  if (limitAt(side, degraded.startMs) <= 2 * degraded.capacity) return 0;
  const reached = side.changes.find(
    (change) =>
      change.atMs >= degraded.startMs &&
      change.atMs < degraded.endMs &&
      change.limit <= 2 * degraded.capacity,
  );
  return reached === undefined ? undefined : (reached.atMs - degraded.startMs) / 1000;
}

/** ` (grow 80, latency 86, timeout 2)`: how many changes had each reason, or nothing without changes. */
export function describeReasons(side: Pick<AdaptiveSideRun, 'changes'>): string {
  const counts = new Map<string, number>();
  for (const change of side.changes) counts.set(change.reason, (counts.get(change.reason) ?? 0) + 1);
  if (counts.size === 0) return '';
  return ` (${[...counts].map(([reason, count]) => `${reason} ${count}`).join(', ')})`;
}

function sideCells(stats: AdaptiveSideStats | undefined): string[] {
  if (stats === undefined) return ['', '', '', '', '', ''];
  return [
    formatLimit(stats),
    formatRate(stats.okPerSecond),
    formatMs(stats.p50),
    formatMs(stats.p99),
    formatPercent(stats.rejectedRate),
    formatPercent(stats.timeoutRate),
  ];
}

/** The headline of the adaptive phase: what the service did and what each side received. */
export function describeAdaptiveSetup(run: AdaptiveRun): string {
  const capacities = run.windows.map((window) => window.capacity).join(' -> ');
  return (
    `Adaptive limit vs fixed limit: the user service serves ${capacities} requests at once ` +
    `(${run.serviceLatencyMs} ms each, the rest wait in its queue); ${formatRate(run.rate)} calls/s to each side, ` +
    `timeout ${formatMs(run.timeoutMs)}`
  );
}

/**
 * The adaptive phase in the terminal: per part, the limit (median, lowest-highest), ok/s, p50/p99 of the
 * admitted calls, and the shares turned away at once and timed out, adaptive and fixed side by side; then
 * what the limit did.
 */
export function renderAdaptiveTable(run: AdaptiveRun): string {
  const header = ['part', 'capacity'];
  const groups = ['', ''];
  const separators = new Set<number>();
  for (const side of run.sides) {
    separators.add(header.length);
    groups.push(side.label, '', '', '', '', '');
    header.push('limit', 'ok/s', 'p50', 'p99', 'rejected', 'timed out');
  }
  const rows: string[][] = [groups, header];
  for (const [index, window] of run.windows.entries()) {
    const row = [window.phase, String(window.capacity)];
    for (const side of run.sides) row.push(...sideCells(side.stats[index]));
    rows.push(row);
  }
  const lines = [describeAdaptiveSetup(run), '', renderGrid(rows, separators), ''];
  lines.push(
    '(p50/p99: calls the compartment admitted; rejected: turned away at once by a full compartment)',
  );
  const adaptive = run.sides.find((side) => side.kind === 'adaptive');
  const fixed = run.sides.find((side) => side.kind === 'fixed');
  const degradedIndex = run.windows.findIndex((window) => window.phase === 'degraded');
  if (adaptive !== undefined && degradedIndex >= 0) {
    const follow = secondsToFollow(run, adaptive);
    const degraded = adaptive.stats[degradedIndex];
    const recovered = adaptive.stats[degradedIndex + 1];
    lines.push(
      `  ${adaptive.label}: ${adaptive.changes.length} limit changes${describeReasons(adaptive)}; ` +
        (follow === undefined
          ? 'it did not come within 2x the degraded capacity'
          : follow === 0
            ? 'already within 2x the degraded capacity when the service dropped'
            : `within 2x the degraded capacity ${follow.toFixed(1)} s after the drop`) +
        (degraded === undefined ? '' : `, median ${degraded.limitMedian} while degraded`) +
        (recovered === undefined ? '' : `, up to ${recovered.limitMax} after recovery`),
    );
    const fixedDegraded = fixed?.stats[degradedIndex];
    if (fixed !== undefined && degraded !== undefined && fixedDegraded !== undefined) {
      lines.push(
        `  while degraded: p50 ${formatMs(degraded.p50)} adaptive vs ${formatMs(fixedDegraded.p50)} with the ${fixed.label} ` +
          `(${(fixedDegraded.p50 / degraded.p50).toFixed(1)}x), ${formatRate(degraded.okPerSecond)} vs ` +
          `${formatRate(fixedDegraded.okPerSecond)} ok/s, timed out ${formatPercent(degraded.timeoutRate)} vs ${formatPercent(fixedDegraded.timeoutRate)}`,
      );
    }
  }
  return lines.join('\n');
}
