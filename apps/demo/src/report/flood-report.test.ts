import { describe, expect, it } from 'vitest';
import type { FloodRun, FloodSideRun } from '../batch-flood/flood-phase.js';
import type { LiveCallRecord, OccupancySample } from '../batch-flood/flood-side.js';
import { summarizeFloodSide } from '../batch-flood/flood-stats.js';
import { floodWindows } from '../batch-flood/flood-timeline.js';
import { renderFloodSection } from './flood-section.js';
import { renderFloodTable } from './flood-table.js';

// 4 s: calm 0-1 s, flood 1-4 s. One live call every 10 ms; batch finishes one call every 10 ms in the flood.
const windows = floodWindows(4);
const flooding = (atMs: number): boolean => atMs >= 1_000;

function side(kind: 'plain' | 'partitioned'): FloodSideRun {
  const liveRecords: LiveCallRecord[] = [];
  const occupancy: OccupancySample[] = [];
  for (let atMs = 0; atMs < 4_000; atMs += 10) {
    const starved = kind === 'plain' && flooding(atMs);
    liveRecords.push({ sentAt: atMs, latencyMs: starved ? 250 : 50, outcome: starved ? 'timeout' : 'ok' });
    if (atMs % 50 === 0) {
      const batch = flooding(atMs) ? (kind === 'plain' ? 10 : 5) : 0;
      occupancy.push({ atMs, live: 10 - batch, batch, liveWaiting: flooding(atMs) ? 1 : 0 });
    }
  }
  const batchDone = Array.from({ length: 300 }, (_, index) => 1_000 + index * 10);
  const record = {
    label: kind === 'plain' ? 'plain SemaphoreBulkhead' : 'PartitionedBulkhead live 0.9 / batch 0.1',
    liveRecords,
    batchDone,
    occupancy,
    batchGrantsWhileLiveWaits: kind === 'plain' ? [{ atMs: 1_500, batchActive: 10 }] : [],
  };
  return { ...record, stats: summarizeFloodSide(record, windows) };
}

const run: FloodRun = {
  windows,
  liveRate: 100,
  workers: 100,
  connections: 10,
  queryLatencyMs: 50,
  liveTimeoutMs: 250,
  guaranteed: { live: 9, batch: 1 },
  sides: [side('plain'), side('partitioned')],
  totalMs: 4_000,
};

describe('the batch-flood phase in the terminal and the report', () => {
  it('summarizes live and batch per part and side', () => {
    const [plain, partitioned] = run.sides.map((entry) => entry.stats);
    expect(plain?.[1]).toMatchObject({
      liveServedRate: 0,
      liveP99: 250,
      batchOkPerSecond: 100,
      batchHeldWhileLiveWaits: 10,
      batchGrantsWhileLiveWaits: 1,
      batchPeakAtGrantWhileLiveWaits: 10,
    });
    expect(partitioned?.[1]).toMatchObject({ liveServedRate: 1, liveP99: 50, batchHeldWhileLiveWaits: 5 });
    expect(partitioned?.[0]).toMatchObject({
      liveOkPerSecond: 100,
      batchOkPerSecond: 0,
      batchHeldWhileLiveWaits: 0,
    });
  });

  it('renders the terminal table with the setup line and one line per side', () => {
    const table = renderFloodTable(run);
    expect(table.split('\n')[0]).toBe(
      'Batch flood: a reports database of 10 connections (50 ms per query); 100.0 live calls/s to each side ' +
        '(a live call gives up after waiting 250 ms), then a batch job of 100 workers',
    );
    expect(table).toMatch(
      /^flood\s+100\s+\|\s+0\.0\s+0\.0%\s+250 ms\s+250 ms\s+100\.0\s+10\s+\|\s+100\.0\s+100\.0%/m,
    );
    expect(table).toContain(
      'plain SemaphoreBulkhead: during the flood live was served 0.0% (p99 250 ms), batch 100.0 calls/s; while a live call waited, batch held up to 10 of 10 connections and was admitted 1 times (up to 10 held)',
    );
    expect(table).toContain('and was admitted 0 times');
  });

  it('renders the HTML section: table, per-side lines and charts, escaped', () => {
    const html = renderFloodSection(run);
    expect(html).toContain('<section id="batch-flood">');
    expect(html).toContain('live is guaranteed 9 connections and batch 1');
    expect(html.match(/<svg/g)?.length).toBe(4);
    expect(html).toContain('<th>batch held while live waits</th>');
    expect(html).toContain('<tr class="hang"><th>flood</th><th>100</th>');
    expect(html).not.toContain('<script');
  });
});
