import { percentile } from '../stats/percentile.js';
import type { AdaptivePhaseName, AdaptiveWindow } from './adaptive-timeline.js';
import type { AdaptiveCallRecord, LimitChangeRecord, LimitPoint } from './client-side.js';

/** What one side recorded during the adaptive phase. */
export interface AdaptiveSideRecord {
  /** `adaptive` or `fixed`. */
  readonly kind: 'adaptive' | 'fixed';
  /** E.g. `adaptive (vegas)` or `fixed limit 40`. */
  readonly label: string;
  readonly records: readonly AdaptiveCallRecord[];
  /** The limit sampled at a steady pace (and at the end). */
  readonly limits: readonly LimitPoint[];
  /** The controller's `change` events (none for a fixed limit). */
  readonly changes: readonly LimitChangeRecord[];
}

/** Figures of one side in one part of the adaptive phase. */
export interface AdaptiveSideStats {
  readonly phase: AdaptivePhaseName;
  /** Calls that arrived during the part. */
  readonly sent: number;
  /** Successful answers that arrived during the part, per second. */
  readonly okPerSecond: number;
  /** Latency percentiles of the calls admitted (answered or timed out), ms; `NaN` when none. */
  readonly p50: number;
  readonly p99: number;
  /** Shares of the calls sent: turned away at once by the full compartment, timed out, failed. */
  readonly rejectedRate: number;
  readonly timeoutRate: number;
  readonly errorRate: number;
  /** Limit in force: median of the samples, lowest and highest value seen during the part. */
  readonly limitMedian: number;
  readonly limitMin: number;
  readonly limitMax: number;
}

function share(count: number, total: number): number {
  return total > 0 ? count / total : 0;
}

/** Computes one side's figures for every part; a call belongs to the part it arrived in. */
export function summarizeAdaptiveSide(
  side: AdaptiveSideRecord,
  windows: readonly AdaptiveWindow[],
): AdaptiveSideStats[] {
  return windows.map((window) => {
    const inWindow = (atMs: number): boolean => atMs >= window.startMs && atMs < window.endMs;
    const sent = side.records.filter((record) => inWindow(record.sentAt));
    const admitted = sent
      .filter((record) => record.outcome !== 'rejected')
      .map((record) => record.latencyMs)
      .sort((left, right) => left - right);
    const count = (outcome: AdaptiveCallRecord['outcome']): number =>
      sent.filter((record) => record.outcome === outcome).length;
    const arrived = side.records.filter(
      (record) => record.outcome === 'ok' && inWindow(record.sentAt + record.latencyMs),
    ).length;
    const samples = side.limits
      .filter((point) => inWindow(point.atMs))
      .map((point) => point.limit)
      .sort((left, right) => left - right);
    const seen = [
      ...samples,
      ...side.changes.filter((change) => inWindow(change.atMs)).map((change) => change.limit),
    ];
    const seconds = (window.endMs - window.startMs) / 1000;
    return {
      phase: window.phase,
      sent: sent.length,
      okPerSecond: seconds > 0 ? arrived / seconds : 0,
      p50: percentile(admitted, 50),
      p99: percentile(admitted, 99),
      rejectedRate: share(count('rejected'), sent.length),
      timeoutRate: share(count('timeout'), sent.length),
      errorRate: share(count('error'), sent.length),
      limitMedian: percentile(samples, 50),
      limitMin: seen.length > 0 ? Math.min(...seen) : Number.NaN,
      limitMax: seen.length > 0 ? Math.max(...seen) : Number.NaN,
    };
  });
}
