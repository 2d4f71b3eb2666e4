import type { AdaptiveRun } from '../adaptive/adaptive-phase.js';
import type { FloodRun } from '../batch-flood/flood-phase.js';
import { type DemoConfig, ROUTE_NAMES, type RouteName } from '../config.js';
import type { ScenarioRun } from '../run-scenario.js';
import { type SeriesPoint, timeSeries } from '../stats/time-series.js';
import { ACCEPTANCE_BOUNDS, JUDGED_ROUTES, judgeRun } from './acceptance.js';
import { renderAdaptiveSection } from './adaptive-section.js';
import { escapeHtml } from './escape-html.js';
import { renderFloodSection } from './flood-section.js';
import { formatMs, formatPercent, formatRate } from './format.js';
import { type ChartBand, type ChartMarker, renderLineChart } from './svg-chart.js';
import { describePaymentBreakdown, showsShortCircuits } from './terminal-table.js';

/** Options of `renderHtmlReport`. */
export interface HtmlReportOptions {
  readonly runs: readonly ScenarioRun[];
  readonly config: DemoConfig;
  /** When and where it ran, e.g. `2026-11-22T12:00:00Z, linux x64, 2 cores`. */
  readonly environment: string;
  /** The adaptive-limit phase, shown after the routes. */
  readonly adaptive?: AdaptiveRun;
  /** The batch-flood phase, shown last. */
  readonly flood?: FloodRun;
}

const MODE_TITLES: Record<string, string> = {
  bulkheads: 'With bulkheads',
  shared: 'Without bulkheads (shared pool)',
};
const PHASE_COLORS: Record<string, string> = { healthy: '#ffffff', hang: '#fdecea', recovered: '#eef7f0' };
const BUCKET_MS = 500;

function titleOf(run: ScenarioRun): string {
  const title = MODE_TITLES[run.mode] ?? run.mode;
  return run.mode === 'bulkheads' && run.tier === 'pro' ? `${title} (PRO)` : title;
}

function markersOf(run: ScenarioRun): ChartMarker[] {
  return run.markers.map((marker) => ({ at: marker.atMs / 1000, label: marker.label }));
}

function bandsOf(run: ScenarioRun): ChartBand[] {
  return run.windows.map((window) => ({
    from: window.startMs / 1000,
    to: window.endMs / 1000,
    label: window.phase,
    color: PHASE_COLORS[window.phase] ?? '#ffffff',
  }));
}

function maxOf(values: readonly number[], floor: number): number {
  return values.reduce((max, value) => (Number.isNaN(value) ? max : Math.max(max, value)), floor);
}

function routeSection(route: RouteName, runs: readonly ScenarioRun[]): string {
  const series = new Map<ScenarioRun, SeriesPoint[]>(
    runs.map((run) => [run, timeSeries(run.samples, { route, bucketMs: BUCKET_MS, totalMs: run.totalMs })]),
  );
  const all = [...series.values()].flat();
  const latencyMax =
    10 **
    Math.ceil(
      Math.log10(
        maxOf(
          all.map((point) => point.p99),
          10,
        ),
      ),
    );
  const throughputMax =
    maxOf(
      all.map((point) => Math.max(point.okPerSecond, point.failedPerSecond, point.shortCircuitedPerSecond)),
      1,
    ) * 1.1;
  const cells = runs.map((run) => {
    const points = series.get(run) ?? [];
    const xMax = run.totalMs / 1000;
    const latency = renderLineChart({
      title: `${route} latency - ${titleOf(run)}`,
      series: [
        { label: 'p50', color: '#3b82c4', points: points.map((point) => [point.atSeconds, point.p50]) },
        { label: 'p99', color: '#c53030', points: points.map((point) => [point.atSeconds, point.p99]) },
      ],
      bands: bandsOf(run),
      markers: markersOf(run),
      xMax,
      yMin: 1,
      yMax: latencyMax,
      yScale: 'log',
      yUnit: 'ms',
    });
    const throughput = renderLineChart({
      title: `${route} throughput (req/s) - ${titleOf(run)}`,
      series: [
        {
          label: 'ok/s',
          color: '#2f855a',
          points: points.map((point) => [point.atSeconds, point.okPerSecond]),
        },
        {
          label: 'failed or rejected/s',
          color: '#c05621',
          points: points.map((point) => [point.atSeconds, point.failedPerSecond]),
        },
        ...(run.tier === 'pro'
          ? [
              {
                label: 'short-circuited/s',
                color: '#6b46c1',
                points: points.map((point): [number, number] => [
                  point.atSeconds,
                  point.shortCircuitedPerSecond,
                ]),
              },
            ]
          : []),
      ],
      bands: bandsOf(run),
      markers: markersOf(run),
      xMax,
      yMin: 0,
      yMax: throughputMax,
      yScale: 'linear',
      yUnit: '',
    });
    return `<div class="cell">${latency}${throughput}</div>`;
  });
  return `<section><h2>${escapeHtml(route)}</h2><div class="row">${cells.join('')}</div></section>`;
}

function statsTable(runs: readonly ScenarioRun[]): string {
  const withBreaker = showsShortCircuits(runs);
  const width = withBreaker ? 6 : 5;
  const head = runs
    .map((run) => `<th colspan="${width}" class="group">${escapeHtml(titleOf(run))}</th>`)
    .join('');
  const subhead = runs
    .map(
      () =>
        `<th>ok/s</th><th>p50</th><th>p99</th><th>errors</th><th>rejected</th>${withBreaker ? '<th>short-circuited</th>' : ''}`,
    )
    .join('');
  const first = runs[0];
  const rows = (first?.stats ?? []).map((stats) => {
    const cells = runs
      .map((run) => {
        const entry = run.stats.find((item) => item.route === stats.route && item.phase === stats.phase);
        if (entry === undefined) return '<td></td>'.repeat(width);
        return [
          formatRate(entry.throughput),
          formatMs(entry.p50),
          formatMs(entry.p99),
          formatPercent(entry.errorRate),
          formatPercent(entry.rejectionRate),
          ...(withBreaker ? [formatPercent(entry.shortCircuitRate)] : []),
        ]
          .map((text) => `<td>${escapeHtml(text)}</td>`)
          .join('');
      })
      .join('');
    return `<tr class="${escapeHtml(stats.phase)}"><th>${escapeHtml(stats.route)}</th><th>${escapeHtml(stats.phase)}</th>${cells}</tr>`;
  });
  return `<table><thead><tr><th></th><th></th>${head}</tr><tr><th>route</th><th>phase</th>${subhead}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function verdicts(runs: readonly ScenarioRun[]): string {
  const items = runs.map((run) => {
    const verdict = judgeRun(run);
    const routes = verdict.routes
      .map(
        (route) =>
          `<li><strong>${escapeHtml(route.route)}</strong>: p99 ${escapeHtml(formatMs(route.healthyP99))} &rarr; ${escapeHtml(formatMs(route.hangP99))} (${route.p99Ratio.toFixed(2)}x), throughput ${formatRate(route.healthyThroughput)} &rarr; ${formatRate(route.hangThroughput)} ok/s (${escapeHtml(formatPercent(route.throughputRatio))}) ${route.judged ? `<span class="${route.passed ? 'pass' : 'fail'}">${route.passed ? 'PASS' : 'FAIL'}</span>` : '<span class="info">(for information)</span>'}</li>`,
      )
      .join('');
    const pro =
      run.tier === 'pro'
        ? `<li>payment while it hung: ${escapeHtml(describePaymentBreakdown(verdict.payment))}</li>${run.markers
            .map(
              (marker) =>
                `<li class="marker">at ${(marker.atMs / 1000).toFixed(1)} s: ${escapeHtml(marker.label)}</li>`,
            )
            .join('')}`
        : '';
    return `<div><h3>${escapeHtml(titleOf(run))}</h3><ul>${routes}<li>payment overflow: ${verdict.paymentRejected} answered 503 + Retry-After, median ${escapeHtml(formatMs(verdict.paymentRejectionP50))}</li>${pro}</ul></div>`;
  });
  return `<p>While payment hangs, compared with the all-healthy phase. Bounds on ${JUDGED_ROUTES.join(' and ')}: p99 &le; ${ACCEPTANCE_BOUNDS.maxP99Ratio}x, throughput &ge; ${ACCEPTANCE_BOUNDS.minThroughputRatio * 100}%. The low-rate CPU route is shown for information: its p99 rests on its one or two slowest requests.</p><div class="row">${items.join('')}</div>`;
}

/**
 * The self-contained HTML report (inline CSS and SVG, no script, no CDN): the table, the
 * acceptance verdicts and, per route, latency and throughput over time for each run side by side.
 */
export function renderHtmlReport(options: HtmlReportOptions): string {
  const { config, runs } = options;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bulkhead demo report</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2733; margin: 24px auto; max-width: 1120px; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { margin: 28px 0 6px; font-size: 18px; text-transform: capitalize; }
.meta { color: #5b6776; }
.row { display: flex; gap: 16px; flex-wrap: wrap; } .row > * { flex: 1 1 520px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-top: 12px; }
th, td { padding: 3px 9px; border-bottom: 1px solid #e3e8ee; text-align: right; }
tbody th { text-align: left; } th.group { text-align: center; border-bottom: 2px solid #b8c2cc; }
tr.hang td, tr.hang th { background: #fdecea; }
.marker { color: #6b46c1; }
.pass { color: #2f855a; font-weight: 600; } .fail { color: #c53030; font-weight: 600; } .info { color: #5b6776; }
svg { display: block; margin-bottom: 6px; }
</style></head><body>
<h1>Bulkhead demo: a hanging payment service</h1>
<p class="meta">${escapeHtml(options.environment)} &middot; phases ${config.healthySeconds} s healthy, ${config.hangSeconds} s payment hangs (${config.hangLatencyMs} ms), ${config.recoveredSeconds} s recovered &middot; ${config.rate} req/s per downstream route, ${config.cpuRate} req/s CPU route &middot; compartments payment ${config.paymentSize}, user ${config.userSize}, inventory ${config.inventorySize}, queue ${config.queueSize}, CPU workers ${config.cpuWorkers} &middot; one shared undici pool of ${config.poolSize} connections, downstream timeout ${config.downstreamTimeoutMs} ms</p>
<p>Without bulkheads every downstream call (<code>fetch</code>) shares one undici <code>Pool</code> of keep-alive connections (all downstreams sit behind one origin). When payment hangs, its calls hold every connection; user and inventory calls queue behind them until they time out. With bulkheads, each call holds its compartment's permit in <code>bulkheadInterceptor</code> until its body is read, so payment may hold at most ${config.paymentSize} connections; the rest of its traffic gets a fast 503 with <code>Retry-After</code>, and the CPU route runs on worker threads instead of the event loop.</p>
${
  showsShortCircuits(runs)
    ? '<p>PRO run: compartments from the PRO registry and its settings file, payment through the breaker composer (bulkhead + opossum circuit breaker + fallback; <em>short-circuited</em> calls are refused by the open breaker without taking a slot), and the operator&#39;s resizes through the admin API drawn as dashed lines.</p>'
    : ''
}
${statsTable(runs)}
${verdicts(runs)}
${ROUTE_NAMES.map((route) => routeSection(route, runs)).join('\n')}
${options.adaptive === undefined ? '' : renderAdaptiveSection(options.adaptive)}
${options.flood === undefined ? '' : renderFloodSection(options.flood)}
</body></html>
`;
}
