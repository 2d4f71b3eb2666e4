import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, ROUTE_NAMES, type RouteName } from '../config.js';
import type { RequestSample } from '../load/request-sample.js';
import type { ScenarioRun } from '../run-scenario.js';
import { phaseWindows } from '../stats/phase-window.js';
import { summarize } from '../stats/summarize.js';
import { judgeRun } from './acceptance.js';
import { escapeHtml } from './escape-html.js';
import { formatMs, formatPercent } from './format.js';
import { renderHtmlReport } from './html-report.js';
import { renderProgressLine } from './progress-line.js';
import { renderLineChart } from './svg-chart.js';
import { renderAcceptance, renderTerminalTable } from './terminal-table.js';

const windows = phaseWindows({ healthyMs: 1000, hangMs: 1000, recoveredMs: 1000 });

/** A synthetic run: every route answers in `latency(route, phase)` ms; payment is rejected while it hangs. */
function syntheticRun(mode: ScenarioRun['mode'], hangLatency: (route: RouteName) => number): ScenarioRun {
  const samples: RequestSample[] = [];
  for (const route of ROUTE_NAMES) {
    for (let sentAt = 0; sentAt < 3000; sentAt += 50) {
      const hanging = sentAt >= 1000 && sentAt < 2000;
      const rejected = hanging && route === 'payment' && mode === 'bulkheads';
      samples.push({
        route,
        sentAt,
        latencyMs: rejected ? 2 : hanging ? hangLatency(route) : 50,
        outcome: rejected ? 'rejected' : 'ok',
        status: rejected ? 503 : 200,
      });
    }
  }
  return {
    mode,
    tier: 'oss',
    markers: [],
    windows,
    samples,
    totalMs: 3000,
    stats: summarize(samples, ROUTE_NAMES, windows),
  };
}

/** A PRO run: while payment hangs, its calls alternate between bulkhead rejections, open-breaker refusals and 504s. */
function proRun(): ScenarioRun {
  let hung = 0;
  const samples: RequestSample[] = syntheticRun('bulkheads', () => 55).samples.map((sample) => {
    if (sample.route !== 'payment' || sample.outcome !== 'rejected') return sample;
    const index = hung++;
    if (index % 3 === 1) return { ...sample, outcome: 'short_circuited' as const };
    if (index % 3 === 2) return { ...sample, outcome: 'error' as const, status: 504, latencyMs: 800 };
    return sample;
  });
  return {
    mode: 'bulkheads',
    tier: 'pro',
    markers: [{ atMs: 1500, label: 'admin API: payment 16 -> 4' }],
    windows,
    samples,
    totalMs: 3000,
    stats: summarize(samples, ROUTE_NAMES, windows),
  };
}

const withBulkheads = syntheticRun('bulkheads', () => 55);
const without = syntheticRun('shared', () => 900);

describe('judgeRun', () => {
  it('passes healthy routes within 1.2x p99 and 90% throughput, and reports payment rejections', () => {
    const verdict = judgeRun(withBulkheads);
    expect(verdict.routes.map((route) => [route.route, route.judged, route.passed])).toEqual([
      ['user', true, true],
      ['inventory', true, true],
      ['cpu', false, true],
    ]);
    expect(verdict.routes[0]?.p99Ratio).toBeCloseTo(1.1);
    expect(verdict.paymentRejected).toBe(20);
    expect(verdict.paymentRejectionP50).toBe(2);
  });

  it('fails routes whose p99 grew beyond 1.2x', () => {
    const verdict = judgeRun(without);
    expect(verdict.routes.every((route) => !route.passed)).toBe(true);
    expect(verdict.paymentRejected).toBe(0);
  });
});

describe('terminal output', () => {
  it('has one row per route and phase and a column group per run', () => {
    const table = renderTerminalTable([withBulkheads, without]);
    const lines = table.split('\n');
    expect(lines[0]).toContain('with bulkheads');
    expect(lines[0]).toContain('without bulkheads');
    expect(lines[1]).toMatch(/route\s+phase\s+\|\s+ok\/s\s+p50\s+p99\s+errors\s+rejected/);
    expect(lines).toHaveLength(2 + ROUTE_NAMES.length * 3);
    expect(lines.find((line) => line.startsWith('payment    hang'))).toContain('100.0%');
  });

  it('prints a verdict per healthy route and run', () => {
    const text = renderAcceptance([withBulkheads, without]);
    expect(text).toMatch(/with bulkheads:\n\s+user .*\(1\.10x\).*PASS/);
    expect(text).toMatch(/without bulkheads:\n\s+user .*\(18\.00x\).*FAIL/);
    expect(text).toMatch(/\s+cpu .*\(for information\)/);
    expect(text).toContain('bounds on user and inventory');
    expect(text).toContain('payment overflow: 20 answered 503 + Retry-After, median 2.0 ms');
  });

  it('formats durations and shares', () => {
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(123.4)).toBe('123 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(Number.NaN)).toBe('-');
    expect(formatPercent(0.125)).toBe('12.5%');
  });
});

describe('a PRO run', () => {
  const pro = proRun();

  it('counts short-circuited calls apart from bulkhead rejections and timeouts', () => {
    const payment = judgeRun(pro).payment;
    expect(payment).toEqual({ sent: 20, ok: 0, rejected: 7, shortCircuited: 7, timedOut: 6, failed: 0 });
    const hang = pro.stats.find((entry) => entry.route === 'payment' && entry.phase === 'hang');
    expect(hang).toMatchObject({ rejected: 7, shortCircuited: 7, errors: 6 });
  });

  it('adds a short-circuit column, the payment breakdown and the operator marker to the terminal output', () => {
    const lines = renderTerminalTable([pro, without]).split('\n');
    expect(lines[0]).toContain('with bulkheads (PRO)');
    expect(lines[1]).toMatch(/errors\s+rejected\s+short-circ\.\s+\|/);
    expect(lines.find((line) => line.startsWith('payment    hang'))).toMatch(/30\.0%\s+35\.0%\s+35\.0%\s+\|/);
    const text = renderAcceptance([pro, without]);
    expect(text).toContain(
      'payment while it hung: 20 sent: 0 ok, 7 rejected by the bulkhead (503), 7 short-circuited by the breaker (503), 6 timed out, 0 failed',
    );
    expect(text).toContain('at 1.5 s: admin API: payment 16 -> 4');
  });

  it('marks the operator action on every chart of the run and plots short circuits', () => {
    const html = renderHtmlReport({ runs: [pro, without], config: DEFAULT_CONFIG, environment: 'test' });
    expect(html.match(/stroke-dasharray="4 3"/g)).toHaveLength(ROUTE_NAMES.length * 2);
    expect(html).toContain('>admin API: payment 16 -&gt; 4</text>');
    expect(html).toContain('short-circuited/s');
    expect(html).toContain('<th>short-circuited</th>');
    expect(html).toContain('<p>PRO run: compartments from the PRO registry and its settings file');
  });
});

describe('HTML report', () => {
  const html = renderHtmlReport({
    runs: [withBulkheads, without],
    config: DEFAULT_CONFIG,
    environment: 'test machine',
  });

  it('is self-contained: no script, no external stylesheet, image or font', () => {
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html.match(/https?:\/\/[^"]*/g) ?? []).toEqual(
      Array.from(html.match(/<svg /g) ?? [], () => 'http://www.w3.org/2000/svg'),
    );
  });

  it('draws latency and throughput charts per route for both runs', () => {
    expect(html.match(/<svg /g)).toHaveLength(ROUTE_NAMES.length * 2 * 2);
    for (const route of ROUTE_NAMES) {
      expect(html).toContain(`${route} latency - With bulkheads`);
      expect(html).toContain(`${route} throughput (req/s) - Without bulkheads (shared pool)`);
    }
    expect(html).toContain('test machine');
  });

  it('escapes text', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const svg = renderLineChart({
      title: '<b>',
      series: [
        {
          label: 's',
          color: '#000',
          points: [
            [0, 1],
            [1, Number.NaN],
            [2, 3],
          ],
        },
      ],
      bands: [],
      xMax: 2,
      yMin: 0,
      yMax: 4,
      yScale: 'linear',
      yUnit: '',
    });
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).toMatch(/d="M[\d.]+,[\d.]+M[\d.]+,[\d.]+"/);
  });
});

describe('renderProgressLine', () => {
  it('shows per-route rates and p99 over the window, and rejections or failures when there are any', () => {
    const samples: RequestSample[] = [
      { route: 'user', sentAt: 0, latencyMs: 40, outcome: 'ok', status: 200 },
      { route: 'user', sentAt: 0, latencyMs: 60, outcome: 'ok', status: 200 },
      { route: 'payment', sentAt: 0, latencyMs: 2, outcome: 'rejected', status: 503 },
      { route: 'payment', sentAt: 0, latencyMs: 5000, outcome: 'timeout', status: 0 },
    ];
    const line = renderProgressLine({
      atSeconds: 15,
      phase: 'hang',
      samples,
      windowSeconds: 2,
      routes: ['payment', 'user'],
    });
    expect(line).toBe(
      '  t= 15s hang      payment 0.0/s p99 5.00 s, 503 0.5/s, 1 failed | user 1.0/s p99 60.0 ms',
    );
  });
});
