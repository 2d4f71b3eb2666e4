import { percentile } from '../stats/percentile.js';
import type { BatchGrantWhileLiveWaits, LiveCallRecord, OccupancySample } from './flood-side.js';
import type { FloodPartName, FloodWindow } from './flood-timeline.js';

/** What one side recorded (plain data, so the report can be rendered from it alone). */
export interface FloodSideRecord {
  readonly label: string;
  readonly liveRecords: readonly LiveCallRecord[];
  readonly batchDone: readonly number[];
  readonly occupancy: readonly OccupancySample[];
  readonly batchGrantsWhileLiveWaits: readonly BatchGrantWhileLiveWaits[];
}

/** One side's figures over one part. */
export interface FloodSideStats {
  readonly phase: FloodPartName;
  /** Live calls that arrived during the part. */
  readonly liveSent: number;
  /** Live calls served per second (by arrival in the part). */
  readonly liveOkPerSecond: number;
  /** Share of the part's live calls that were served. */
  readonly liveServedRate: number;
  /** Latency of the part's live calls, failures included at the time they failed, ms. */
  readonly liveP50: number;
  readonly liveP99: number;
  /** Batch calls finished per second during the part. */
  readonly batchOkPerSecond: number;
  /** Most batch permits held at a sampled instant while a live call waited (0 when live never waited). */
  readonly batchHeldWhileLiveWaits: number;
  /** Batch calls admitted while a live call waited. */
  readonly batchGrantsWhileLiveWaits: number;
  /** Most batch permits held right after such an admission (0 without any). */
  readonly batchPeakAtGrantWhileLiveWaits: number;
}

const within = (atMs: number, window: FloodWindow): boolean => atMs >= window.startMs && atMs < window.endMs;
const largest = (values: readonly number[]): number =>
  values.reduce((most, value) => Math.max(most, value), 0);

/** Summarizes `side` per part of the phase. */
export function summarizeFloodSide(side: FloodSideRecord, windows: readonly FloodWindow[]): FloodSideStats[] {
  return windows.map((window) => {
    const seconds = (window.endMs - window.startMs) / 1000;
    const live = side.liveRecords.filter((record) => within(record.sentAt, window));
    const latencies = live.map((record) => record.latencyMs).sort((left, right) => left - right);
    const served = live.filter((record) => record.outcome === 'ok').length;
    const heldWhileWaiting = side.occupancy
      .filter((sample) => within(sample.atMs, window) && sample.liveWaiting > 0)
      .map((sample) => sample.batch);
    const grants = side.batchGrantsWhileLiveWaits.filter((grant) => within(grant.atMs, window));
    return {
      phase: window.phase,
      liveSent: live.length,
      liveOkPerSecond: seconds > 0 ? served / seconds : 0,
      liveServedRate: live.length === 0 ? Number.NaN : served / live.length,
      liveP50: percentile(latencies, 50),
      liveP99: percentile(latencies, 99),
      batchOkPerSecond:
        seconds > 0 ? side.batchDone.filter((atMs) => within(atMs, window)).length / seconds : 0,
      batchHeldWhileLiveWaits: largest(heldWhileWaiting),
      batchGrantsWhileLiveWaits: grants.length,
      batchPeakAtGrantWhileLiveWaits: largest(grants.map((grant) => grant.batchActive)),
    };
  });
}
