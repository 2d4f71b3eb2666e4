import type { FloodRun, FloodSideRun } from '../batch-flood/flood-phase.js';
import type { LiveCallRecord } from '../batch-flood/flood-side.js';
import type { RequestSample } from '../load/request-sample.js';
import { timeSeries } from '../stats/time-series.js';
import { escapeHtml } from './escape-html.js';
import { describeFloodSetup, describeFloodSide, FLOOD_COLUMNS, floodCells } from './flood-table.js';
import { type ChartBand, renderLineChart } from './svg-chart.js';

const BUCKET_MS = 500;
const PART_COLORS: Record<string, string> = { calm: '#ffffff', flood: '#fdecea' };

function bandsOf(run: FloodRun): ChartBand[] {
  return run.windows.map((window) => ({
    from: window.startMs / 1000,
    to: window.endMs / 1000,
    label: window.phase,
    color: PART_COLORS[window.phase] ?? '#ffffff',
  }));
}

function asSamples(records: readonly LiveCallRecord[]): RequestSample[] {
  return records.map((record) => ({
    route: 'user',
    sentAt: record.sentAt,
    latencyMs: record.latencyMs,
    outcome: record.outcome,
    status: record.outcome === 'ok' ? 200 : 0,
  }));
}

function sideCharts(run: FloodRun, side: FloodSideRun): string {
  const xMax = run.totalMs / 1000;
  const bands = bandsOf(run);
  const live = timeSeries(asSamples(side.liveRecords), {
    route: 'user',
    bucketMs: BUCKET_MS,
    totalMs: run.totalMs,
  });
  const latency = renderLineChart({
    title: `live latency - ${side.label}`,
    series: [
      { label: 'p50', color: '#3b82c4', points: live.map((point) => [point.atSeconds, point.p50]) },
      { label: 'p99', color: '#c53030', points: live.map((point) => [point.atSeconds, point.p99]) },
    ],
    bands,
    xMax,
    yMin: 10,
    yMax: 10 ** Math.ceil(Math.log10(Math.max(run.liveTimeoutMs * 2, 100))),
    yScale: 'log',
    yUnit: 'ms',
  });
  const held = renderLineChart({
    title: `connections held - ${side.label}`,
    series: [
      {
        label: 'live',
        color: '#2f855a',
        points: side.occupancy.map((sample) => [sample.atMs / 1000, sample.live]),
      },
      {
        label: 'batch',
        color: '#c05621',
        points: side.occupancy.map((sample) => [sample.atMs / 1000, sample.batch]),
      },
      {
        label: 'live calls waiting',
        color: '#6b46c1',
        points: side.occupancy.map((sample) => [
          sample.atMs / 1000,
          Math.min(sample.liveWaiting, run.connections),
        ]),
      },
    ],
    bands,
    xMax,
    yMin: 0,
    yMax: run.connections * 1.15,
    yScale: 'linear',
    yUnit: '',
  });
  return `<div class="cell">${latency}${held}</div>`;
}

function statsTable(run: FloodRun): string {
  const head = run.sides
    .map((side) => `<th colspan="${FLOOD_COLUMNS.length}" class="group">${escapeHtml(side.label)}</th>`)
    .join('');
  const subhead = run.sides.map(() => FLOOD_COLUMNS.map((column) => `<th>${column}</th>`).join('')).join('');
  const rows = run.windows.map((window, index) => {
    const cells = run.sides
      .map((side) =>
        floodCells(side.stats[index])
          .map((text) => `<td>${escapeHtml(text)}</td>`)
          .join(''),
      )
      .join('');
    const rowClass = window.phase === 'flood' ? 'hang' : window.phase;
    return `<tr class="${rowClass}"><th>${escapeHtml(window.phase)}</th><th>${window.phase === 'flood' ? run.workers : 0}</th>${cells}</tr>`;
  });
  return `<table><thead><tr><th></th><th></th>${head}</tr><tr><th>part</th><th>batch workers</th>${subhead}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The report's batch-flood section: the figures per part, one line per side on what batch did while live
 * waited, and for each side live latency and the connections each held over time.
 */
export function renderFloodSection(run: FloodRun): string {
  return `<section id="batch-flood"><h2 style="text-transform: none">Batch flood: a batch job and live traffic on one reports database</h2>
<p>${escapeHtml(describeFloodSetup(run))}. Each side has its own compartment of ${run.connections} with the same arrivals: a plain <code>SemaphoreBulkhead</code>, where live and batch calls wait in one FIFO queue, and a <code>PartitionedBulkhead</code> from <code>@x/bulkhead-core</code> where live is guaranteed ${run.guaranteed.live ?? '?'} connections and batch ${run.guaranteed.batch ?? '?'}. Batch borrows the connections live leaves idle; a borrowed connection goes back to live at the next release once a live call waits.</p>
${statsTable(run)}
<ul>${run.sides.map((side) => `<li>${escapeHtml(describeFloodSide(side, run.connections))}</li>`).join('')}</ul>
<div class="row">${run.sides.map((side) => sideCharts(run, side)).join('')}</div></section>`;
}
