import type { ScenarioRun } from '../run-scenario.js';
import type { RouteStats } from '../stats/summarize.js';
import { ACCEPTANCE_BOUNDS, JUDGED_ROUTES, judgeRun } from './acceptance.js';
import { formatMs, formatPercent, formatRate } from './format.js';

const MODE_TITLES: Record<string, string> = { bulkheads: 'with bulkheads', shared: 'without bulkheads' };

function cells(stats: RouteStats | undefined): string[] {
  if (stats === undefined) return ['', '', '', '', ''];
  return [
    formatRate(stats.throughput),
    formatMs(stats.p50),
    formatMs(stats.p99),
    formatPercent(stats.errorRate),
    formatPercent(stats.rejectionRate),
  ];
}

function renderGrid(rows: readonly (readonly string[])[], separators: ReadonlySet<number>): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) => {
          const padded = index < 2 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0);
          return separators.has(index) ? `| ${padded}` : padded;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The terminal table: one row per route and phase, throughput (ok req/s), p50/p99 latency, error
 * and rejection rates, one column group per run.
 */
export function renderTerminalTable(runs: readonly ScenarioRun[]): string {
  const first = runs[0];
  if (first === undefined) return '(no run)';
  const header = ['route', 'phase'];
  const groups = ['', ''];
  const separators = new Set<number>();
  for (const run of runs) {
    separators.add(header.length);
    groups.push(MODE_TITLES[run.mode] ?? run.mode, '', '', '', '');
    header.push('ok/s', 'p50', 'p99', 'errors', 'rejected');
  }
  const rows: string[][] = [groups, header];
  for (const stats of first.stats) {
    const row: string[] = [stats.route, stats.phase];
    for (const run of runs) {
      row.push(
        ...cells(run.stats.find((entry) => entry.route === stats.route && entry.phase === stats.phase)),
      );
    }
    rows.push(row);
  }
  return renderGrid(rows, separators);
}

/** The acceptance lines: healthy routes while payment hangs vs the healthy phase, per run. */
export function renderAcceptance(runs: readonly ScenarioRun[]): string {
  const lines = [
    `Healthy routes while payment hangs, vs the all-healthy phase (bounds on ${JUDGED_ROUTES.join(' and ')}: ` +
      `p99 <= ${ACCEPTANCE_BOUNDS.maxP99Ratio}x, throughput >= ${ACCEPTANCE_BOUNDS.minThroughputRatio * 100}%):`,
  ];
  for (const run of runs) {
    const verdict = judgeRun(run);
    lines.push(`  ${MODE_TITLES[run.mode] ?? run.mode}:`);
    for (const route of verdict.routes) {
      lines.push(
        `    ${route.route.padEnd(10)} p99 ${formatMs(route.healthyP99)} -> ${formatMs(route.hangP99)} ` +
          `(${route.p99Ratio.toFixed(2)}x), throughput ${formatRate(route.healthyThroughput)} -> ` +
          `${formatRate(route.hangThroughput)} ok/s (${formatPercent(route.throughputRatio)})  ` +
          (route.judged ? (route.passed ? 'PASS' : 'FAIL') : '(for information)'),
      );
    }
    lines.push(
      `    payment overflow: ${verdict.paymentRejected} answered 503 + Retry-After, median ${formatMs(verdict.paymentRejectionP50)}`,
    );
  }
  return lines.join('\n');
}
