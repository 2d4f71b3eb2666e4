import type { ScenarioRun } from '../run-scenario.js';
import type { RouteStats } from '../stats/summarize.js';
import { ACCEPTANCE_BOUNDS, JUDGED_ROUTES, judgeRun, type PaymentBreakdown } from './acceptance.js';
import { formatMs, formatPercent, formatRate } from './format.js';

const MODE_TITLES: Record<string, string> = { bulkheads: 'with bulkheads', shared: 'without bulkheads' };

/** `with bulkheads`, `with bulkheads (PRO)` or `without bulkheads`. */
export function runTitle(run: Pick<ScenarioRun, 'mode' | 'tier'>): string {
  const title = MODE_TITLES[run.mode] ?? run.mode;
  return run.mode === 'bulkheads' && run.tier === 'pro' ? `${title} (PRO)` : title;
}

/** True when a run went through a circuit breaker: the table then shows short circuits apart. */
export function showsShortCircuits(runs: readonly ScenarioRun[]): boolean {
  return runs.some((run) => run.tier === 'pro');
}

function cells(stats: RouteStats | undefined, withBreaker: boolean): string[] {
  const width = withBreaker ? 6 : 5;
  if (stats === undefined) return new Array<string>(width).fill('');
  const values = [
    formatRate(stats.throughput),
    formatMs(stats.p50),
    formatMs(stats.p99),
    formatPercent(stats.errorRate),
    formatPercent(stats.rejectionRate),
  ];
  if (withBreaker) values.push(formatPercent(stats.shortCircuitRate));
  return values;
}

/** `800 sent: 2 ok, 650 rejected by the bulkhead (503), ...`. */
export function describePaymentBreakdown(payment: PaymentBreakdown): string {
  return (
    `${payment.sent} sent: ${payment.ok} ok, ${payment.rejected} rejected by the bulkhead (503), ` +
    `${payment.shortCircuited} short-circuited by the breaker (503), ${payment.timedOut} timed out, ${payment.failed} failed`
  );
}

/** Aligns `rows` in columns (the first two left-aligned), with `| ` before the columns in `separators`. */
export function renderGrid(rows: readonly (readonly string[])[], separators: ReadonlySet<number>): string {
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
  const withBreaker = showsShortCircuits(runs);
  const header = ['route', 'phase'];
  const groups = ['', ''];
  const separators = new Set<number>();
  for (const run of runs) {
    separators.add(header.length);
    groups.push(runTitle(run), '', '', '', '');
    header.push('ok/s', 'p50', 'p99', 'errors', 'rejected');
    if (withBreaker) {
      groups.push('');
      header.push('short-circ.');
    }
  }
  const rows: string[][] = [groups, header];
  for (const stats of first.stats) {
    const row: string[] = [stats.route, stats.phase];
    for (const run of runs) {
      row.push(
        ...cells(
          run.stats.find((entry) => entry.route === stats.route && entry.phase === stats.phase),
          withBreaker,
        ),
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
    lines.push(`  ${runTitle(run)}:`);
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
    if (run.tier === 'pro') {
      lines.push(`    payment while it hung: ${describePaymentBreakdown(verdict.payment)}`);
      for (const marker of run.markers) {
        lines.push(`    at ${(marker.atMs / 1000).toFixed(1)} s: ${marker.label}`);
      }
    }
  }
  return lines.join('\n');
}
