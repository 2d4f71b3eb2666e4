/** The demo's icon: a small inline SVG (a hull split into compartments), so no request 404s. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="4" width="14" height="9" rx="2" fill="#2f855a"/><path d="M6 4v9M10 4v9" stroke="#fff" stroke-width="1.5"/></svg>';

/**
 * The live dashboard: one self-contained HTML page (no CDN) that polls `/bulkheads` twice a second
 * and shows utilization and queue depth per compartment, plus the shared connection pool.
 */
export function renderDashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bulkhead demo - live compartments</title>
<link rel="icon" type="image/svg+xml" href="data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}">
<style>
  :root { color-scheme: light; --ink: #1d2733; --muted: #5b6776; --line: #d8dee6; --ok: #2f855a; --warn: #c05621; --bad: #c53030; }
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 24px; background: #f6f8fa; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  .meta { color: var(--muted); margin-bottom: 18px; }
  .meta strong { color: var(--ink); }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 14px; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
  .card h2 { font-size: 17px; margin: 0 0 2px; display: flex; justify-content: space-between; }
  .card h2 small { font-weight: normal; color: var(--muted); font-size: 12px; }
  .row { display: flex; justify-content: space-between; margin-top: 8px; font-variant-numeric: tabular-nums; }
  .label { color: var(--muted); }
  .bar { height: 10px; background: #e9edf2; border-radius: 5px; overflow: hidden; margin-top: 4px; }
  .bar > div { height: 100%; background: var(--ok); transition: width .3s; }
  .bar.queue > div { background: var(--warn); }
  .hot .bar.util > div { background: var(--bad); }
  .empty { color: var(--muted); }
  .note { grid-column: 1 / -1; color: var(--muted); margin: 0; }
  footer { margin-top: 18px; color: var(--muted); font-size: 13px; }
  #error { color: var(--bad); }
</style>
</head>
<body>
<h1>Bulkhead demo - live compartments</h1>
<div class="meta">mode <strong id="mode">-</strong> &middot; phase <strong id="phase">-</strong> &middot;
  payment latency <strong id="payment-latency">-</strong> &middot; payment breaker <strong id="breaker">none</strong> &middot; updated <span id="updated">never</span> <span id="error"></span></div>
<div class="grid" id="compartments"><p class="empty">waiting for /bulkheads ...</p></div>
<footer>Polls <code>/bulkheads</code> every 500 ms. Prometheus text at <a href="/metrics">/metrics</a>.</footer>
<script>
const grid = document.getElementById('compartments');
const fmt = (value) => value === null || value === undefined ? '\\u221e' : String(value);
function card(name, subtitle, active, limit, waiting, queueLimit, rejected) {
  const utilization = limit > 0 ? Math.min(100, Math.round(active / limit * 100)) : 0;
  const queueShare = queueLimit ? Math.min(100, Math.round(waiting / queueLimit * 100)) : (waiting > 0 ? 100 : 0);
  const element = document.createElement('section');
  element.className = 'card' + (utilization >= 100 ? ' hot' : '');
  element.dataset.compartment = name;
  element.innerHTML =
    '<h2>' + name + ' <small>' + subtitle + '</small></h2>' +
    '<div class="row"><span class="label">utilization</span><span data-field="utilization">' + utilization + '%</span></div>' +
    '<div class="bar util"><div style="width:' + utilization + '%"></div></div>' +
    '<div class="row"><span class="label">active / limit</span><span data-field="active">' + active + ' / ' + fmt(limit) + '</span></div>' +
    '<div class="row"><span class="label">queue depth</span><span data-field="queue">' + waiting + ' / ' + fmt(queueLimit) + '</span></div>' +
    '<div class="bar queue"><div style="width:' + queueShare + '%"></div></div>' +
    '<div class="row"><span class="label">rejected</span><span data-field="rejected">' + rejected + '</span></div>';
  return element;
}
async function refresh() {
  try {
    const response = await fetch('/bulkheads', { cache: 'no-store' });
    const data = await response.json();
    document.getElementById('mode').textContent = data.mode;
    document.getElementById('phase').textContent = data.phase;
    const payment = data.faults && data.faults.payment;
    document.getElementById('payment-latency').textContent = payment ? payment.latencyMs + ' ms' : '-';
    const breaker = (data.breakers || []).find((entry) => entry.policy === 'composed:payment');
    document.getElementById('breaker').textContent = breaker ? breaker.state : 'none';
    const cards = data.compartments.map((s) =>
      card(s.name, s.type, s.activeCount, s.maxConcurrent, s.waitingCount, s.maxQueue, s.rejectedCount));
    if (data.pool) {
      const p = data.pool;
      cards.push(card('connection-pool', 'http.Agent', p.activeSockets, p.maxSockets, p.queuedRequests, null, '-'));
    }
    if (data.mode === 'shared') {
      const note = document.createElement('p');
      note.className = 'note';
      note.textContent = 'No bulkheads in this run: every downstream call shares the connection pool, and the CPU route runs on the event loop.';
      cards.push(note);
    }
    grid.replaceChildren(...cards);
    document.getElementById('updated').textContent = new Date().toLocaleTimeString();
    document.getElementById('error').textContent = '';
  } catch (error) {
    document.getElementById('error').textContent = 'gateway unreachable';
  }
}
refresh();
setInterval(refresh, 500);
</script>
</body>
</html>
`;
}
