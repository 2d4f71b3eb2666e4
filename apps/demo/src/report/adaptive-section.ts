import type { AdaptiveRun, AdaptiveSideRun } from '../adaptive/adaptive-phase.js';
import type { AdaptiveCallRecord } from '../adaptive/client-side.js';
import type { RequestSample } from '../load/request-sample.js';
import { timeSeries } from '../stats/time-series.js';
import { describeAdaptiveSetup, formatLimit } from './adaptive-table.js';
import { escapeHtml } from './escape-html.js';
import { formatMs, formatPercent, formatRate } from './format.js';
import { type ChartBand, renderLineChart } from './svg-chart.js';

const BUCKET_MS = 500;
const PART_COLORS: Record<string, string> = { healthy: '#ffffff', degraded: '#fdecea', recovered: '#eef7f0' };

type Point = readonly [number, number];

function bandsOf(run: AdaptiveRun): ChartBand[] {
  return run.windows.map((window) => ({
    from: window.startMs / 1000,
    to: window.endMs / 1000,
    label: window.phase,
    color: PART_COLORS[window.phase] ?? '#ffffff',
  }));
}

/** The limit as a step line: from the samples, with every change drawn at the instant it happened. */
export function limitSteps(side: Pick<AdaptiveSideRun, 'limits' | 'changes'>): Point[] {
  const events = [
    ...side.limits.map((point) => ({ atMs: point.atMs, before: point.limit, after: point.limit })),
    ...side.changes.map((change) => ({ atMs: change.atMs, before: change.previous, after: change.limit })),
  ].sort((left, right) => left.atMs - right.atMs);
  const points: Point[] = [];
  for (const event of events) {
    points.push([event.atMs / 1000, event.before]);
    if (event.after !== event.before) points.push([event.atMs / 1000, event.after]);
  }
  return points;
}

function capacitySteps(run: AdaptiveRun): Point[] {
  return run.windows.flatMap((window): Point[] => [
    [window.startMs / 1000, window.capacity],
    [window.endMs / 1000, window.capacity],
  ]);
}

function asSamples(records: readonly AdaptiveCallRecord[]): RequestSample[] {
  return records.map((record) => ({
    route: 'user',
    sentAt: record.sentAt,
    latencyMs: record.latencyMs,
    outcome: record.outcome,
    status: record.outcome === 'ok' ? 200 : 0,
  }));
}

function sideCharts(
  run: AdaptiveRun,
  side: AdaptiveSideRun,
  scales: { limit: number; rate: number },
): string {
  const xMax = run.totalMs / 1000;
  const bands = bandsOf(run);
  const series = { route: 'user' as const, bucketMs: BUCKET_MS, totalMs: run.totalMs };
  const admitted = timeSeries(
    asSamples(side.records.filter((record) => record.outcome !== 'rejected')),
    series,
  );
  const all = timeSeries(asSamples(side.records), series);
  const limit = renderLineChart({
    title: `user limit - ${side.label}`,
    series: [
      { label: 'limit', color: '#6b46c1', points: limitSteps(side) },
      { label: 'service capacity', color: '#718096', points: capacitySteps(run) },
    ],
    bands,
    xMax,
    yMin: 0,
    yMax: scales.limit,
    yScale: 'linear',
    yUnit: '',
  });
  const latency = renderLineChart({
    title: `user latency of admitted calls - ${side.label}`,
    series: [
      { label: 'p50', color: '#3b82c4', points: admitted.map((point) => [point.atSeconds, point.p50]) },
      { label: 'p99', color: '#c53030', points: admitted.map((point) => [point.atSeconds, point.p99]) },
    ],
    bands,
    xMax,
    yMin: 10,
    yMax: 10 ** Math.ceil(Math.log10(Math.max(run.timeoutMs, 100))),
    yScale: 'log',
    yUnit: 'ms',
  });
  const throughput = renderLineChart({
    title: `user calls/s - ${side.label}`,
    series: [
      { label: 'ok/s', color: '#2f855a', points: all.map((point) => [point.atSeconds, point.okPerSecond]) },
      {
        label: 'rejected or timed out/s',
        color: '#c05621',
        points: all.map((point) => [point.atSeconds, point.failedPerSecond]),
      },
    ],
    bands,
    xMax,
    yMin: 0,
    yMax: scales.rate,
    yScale: 'linear',
    yUnit: '',
  });
  return `<div class="cell">${limit}${latency}${throughput}</div>`;
}

function statsTable(run: AdaptiveRun): string {
  const head = run.sides
    .map((side) => `<th colspan="6" class="group">${escapeHtml(side.label)}</th>`)
    .join('');
  const subhead = run.sides
    .map(() => '<th>limit</th><th>ok/s</th><th>p50</th><th>p99</th><th>rejected</th><th>timed out</th>')
    .join('');
  const rows = run.windows.map((window, index) => {
    const cells = run.sides
      .map((side) => {
        const stats = side.stats[index];
        if (stats === undefined) return '<td></td>'.repeat(6);
        return [
          formatLimit(stats),
          formatRate(stats.okPerSecond),
          formatMs(stats.p50),
          formatMs(stats.p99),
          formatPercent(stats.rejectedRate),
          formatPercent(stats.timeoutRate),
        ]
          .map((text) => `<td>${escapeHtml(text)}</td>`)
          .join('');
      })
      .join('');
    const rowClass = window.phase === 'degraded' ? 'hang' : window.phase;
    return `<tr class="${rowClass}"><th>${escapeHtml(window.phase)}</th><th>${window.capacity}</th>${cells}</tr>`;
  });
  return `<table><thead><tr><th></th><th></th>${head}</tr><tr><th>part</th><th>capacity</th>${subhead}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The report's adaptive-limit section: the figures per part and, for the adaptive and the fixed side
 * next to each other, the limit against the service's capacity, latency and calls over time.
 */
export function renderAdaptiveSection(run: AdaptiveRun): string {
  const limitMax =
    Math.max(run.capacity, ...run.sides.flatMap((side) => side.limits.map((point) => point.limit))) * 1.15;
  const rateMax = run.rate * 1.15;
  const cells = run.sides.map((side) => sideCharts(run, side, { limit: limitMax, rate: rateMax }));
  return `<section id="adaptive"><h2 style="text-transform: none">Adaptive limit: the user service drops to a quarter of its capacity</h2>
<p>${escapeHtml(describeAdaptiveSetup(run))}. Each side calls its own copy of the service, with the same arrivals. Both compartments start at ${run.capacity} and have no queue: a full compartment turns a call away at once. The adaptive one runs <code>adaptiveLimit()</code> from <code>@x/bulkhead-core</code>; it grows only while calls fill it.</p>
${statsTable(run)}
<p class="meta">p50/p99: calls the compartment admitted. rejected: turned away at once by a full compartment.</p>
<div class="row">${cells.join('')}</div></section>`;
}
