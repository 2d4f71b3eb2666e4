import { escapeHtml } from '../report/escape-html.js';
import { renderLineChart } from '../report/svg-chart.js';
import type { ClusterRun } from './run-cluster-demo.js';

const LABELS: Record<ClusterRun['mode'], string> = {
  'per-process': 'per-process bulkheads',
  redis: 'RedisBulkhead (shared)',
};

/** The terminal summary: one row per mode. */
export function renderClusterTable(runs: readonly ClusterRun[], capacity: number): string {
  const header = ['mode', 'payment max in flight', 'paid', 'shed (503)', 'failed', 'p99 ms'];
  const rows = runs.map((run) => [
    LABELS[run.mode],
    `${run.paymentMaxInFlight} (capacity ${capacity})`,
    String(run.paid),
    String(run.shed),
    String(run.failed),
    run.p99Ms.toFixed(0),
  ]);
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** The HTML report: the payment service's observed concurrency over time, for each mode, on one scale. */
export function renderClusterReport(runs: readonly ClusterRun[], capacity: number, gateways: number): string {
  const yMax = Math.max(
    capacity * 1.25,
    ...runs.flatMap((run) => run.samples.map(([, inFlight]) => inFlight)),
  );
  const xMax = Math.max(1, ...runs.flatMap((run) => run.samples.map(([seconds]) => seconds)));
  const charts = runs.map((run) =>
    renderLineChart({
      title: `${LABELS[run.mode]}: payment calls in flight (max ${run.paymentMaxInFlight})`,
      series: [
        {
          label: 'in flight at the payment service',
          color: run.mode === 'redis' ? '#2a7' : '#d33',
          points: run.samples,
        },
        {
          label: `capacity ${capacity}`,
          color: '#888',
          points: [
            [0, capacity],
            [xMax, capacity],
          ],
        },
      ],
      bands: [],
      xMax,
      yMax,
      yScale: 'linear',
      yMin: 0,
      yUnit: 'calls',
    }),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bulkhead cluster demo</title>
<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em}</style></head>
<body>
<h1>${gateways} gateway processes, one payment service that takes ${capacity} calls at once</h1>
<p>Per-process bulkheads let each gateway send ${capacity}: ${gateways * capacity} in total, and the payment service
collapses. One <code>RedisBulkhead</code> of ${capacity} shared through Redis keeps it at ${capacity}.</p>
<pre>${escapeHtml(renderClusterTable(runs, capacity))}</pre>
${charts.join('\n')}
</body></html>
`;
}
