import { describe, expect, it } from 'vitest';
import type { AdaptiveRun } from '../adaptive/adaptive-phase.js';
import { summarizeAdaptiveSide } from '../adaptive/adaptive-stats.js';
import { adaptiveWindows } from '../adaptive/adaptive-timeline.js';
import type { AdaptiveCallRecord, LimitChangeRecord, LimitPoint } from '../adaptive/client-side.js';
import { limitSteps, renderAdaptiveSection } from './adaptive-section.js';
import { limitAt, renderAdaptiveTable, secondsToFollow } from './adaptive-table.js';

// 6 s: healthy 0-1 s at capacity 40, degraded 1-4 s at 10, recovered 4-6 s at 40.
const windows = adaptiveWindows({ seconds: 6, capacity: 40 });

/** One call every 10 ms; `latency(atMs)` ms each, or rejected when `rejected(atMs)`. */
function calls(latency: (atMs: number) => number, rejected: (atMs: number) => boolean): AdaptiveCallRecord[] {
  const records: AdaptiveCallRecord[] = [];
  for (let sentAt = 0; sentAt < 6_000; sentAt += 10) {
    records.push(
      rejected(sentAt)
        ? { sentAt, latencyMs: 0.1, outcome: 'rejected' }
        : { sentAt, latencyMs: latency(sentAt), outcome: 'ok' },
    );
  }
  return records;
}

const degraded = (atMs: number): boolean => atMs >= 1_000 && atMs < 4_000;
const adaptiveChanges: LimitChangeRecord[] = [
  { atMs: 1_300, previous: 40, limit: 25, reason: 'latency' },
  { atMs: 1_500, previous: 25, limit: 14, reason: 'latency' },
  { atMs: 4_200, previous: 14, limit: 22, reason: 'grow' },
];
const adaptiveLimitAt = (atMs: number): number =>
  adaptiveChanges.filter((change) => change.atMs <= atMs).at(-1)?.limit ?? 40;
const samples = (limit: (atMs: number) => number): LimitPoint[] =>
  Array.from({ length: 60 }, (_, index) => ({ atMs: index * 100, limit: limit(index * 100) }));

function side(kind: 'adaptive' | 'fixed') {
  const record = {
    kind,
    label: kind === 'adaptive' ? 'adaptive (vegas)' : 'fixed limit 40',
    records: calls(
      (atMs) => (degraded(atMs) ? (kind === 'adaptive' ? 140 : 400) : 100),
      (atMs) => degraded(atMs) && atMs % 20 === 0,
    ),
    limits: samples(kind === 'adaptive' ? adaptiveLimitAt : () => 40),
    changes: kind === 'adaptive' ? adaptiveChanges : [],
  };
  return { ...record, stats: summarizeAdaptiveSide(record, windows) };
}

const run: AdaptiveRun = {
  windows,
  rate: 100,
  capacity: 40,
  serviceLatencyMs: 100,
  timeoutMs: 1_000,
  sides: [side('adaptive'), side('fixed')],
  totalMs: 6_000,
};

describe('the adaptive phase in the terminal and the report', () => {
  it('tabulates the limit, throughput, latency and rejections per part, adaptive next to fixed', () => {
    const table = renderAdaptiveTable(run);
    const lines = table.split('\n');
    expect(lines[0]).toBe(
      'Adaptive limit vs fixed limit: the user service serves 40 -> 10 -> 40 requests at once (100 ms each, the rest wait in its queue); 100.0 calls/s to each side, timeout 1.00 s',
    );
    expect(table).toMatch(
      /part\s+capacity\s+\|\s+limit\s+ok\/s\s+p50\s+p99\s+rejected\s+timed out\s+\|\s+limit/,
    );
    expect(lines.find((line) => line.startsWith('degraded'))).toMatch(
      /^degraded\s+10\s+\|\s+14 \(14-40\)\s+51\.0\s+140 ms\s+140 ms\s+50\.0%\s+0\.0%\s+\|\s+40\s+46\.7\s+400 ms\s+400 ms\s+50\.0%/,
    );
    expect(table).toContain(
      'adaptive (vegas): 3 limit changes (latency 2, grow 1); within 2x the degraded capacity 0.5 s after the drop, median 14 while degraded, up to 22 after recovery',
    );
    expect(table).toContain('while degraded: p50 140 ms adaptive vs 400 ms with the fixed limit 40 (2.9x)');
  });

  it('finds when the limit came within twice the degraded capacity', () => {
    expect(secondsToFollow(run, run.sides[0]!)).toBe(0.5);
    expect(secondsToFollow(run, run.sides[1]!)).toBeUndefined();
    // Already low when the service dropped (a stall had cut it while healthy): 0.
    const early = {
      ...run.sides[0]!,
      limits: samples((atMs) => (atMs >= 500 ? 18 : 40)),
      changes: [{ atMs: 450, previous: 40, limit: 18, reason: 'latency' as const }],
    };
    expect(secondsToFollow(run, early)).toBe(0);
    expect(limitAt(early, 400)).toBe(40);
    expect(limitAt(early, 1_000)).toBe(18);
  });

  it('draws the limit as steps, each change at the instant it happened', () => {
    expect(
      limitSteps({
        limits: [
          { atMs: 0, limit: 40 },
          { atMs: 2_000, limit: 14 },
        ],
        changes: [{ atMs: 1_500, previous: 40, limit: 14, reason: 'latency' }],
      }),
    ).toEqual([
      [0, 40],
      [1.5, 40],
      [1.5, 14],
      [2, 14],
    ]);
  });

  it('renders a section with the figures and, per side, limit, latency and calls over time', () => {
    const html = renderAdaptiveSection(run);
    expect(html).toContain('<section id="adaptive">');
    expect(html.match(/<svg /g)?.length).toBe(6);
    expect(html).toContain('user limit - adaptive (vegas)');
    expect(html).toContain('user latency of admitted calls - fixed limit 40');
    expect(html).toContain('<td>14 (14-40)</td>');
    expect(html).not.toContain('<script');
  });
});
