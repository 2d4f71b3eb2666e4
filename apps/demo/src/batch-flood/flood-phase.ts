import {
  type BulkheadRegistryLike,
  PartitionedBulkhead,
  type PartitionedBulkheadOptions,
  type PartitionedBulkheadState,
  SemaphoreBulkhead,
} from '@x/bulkhead-core';
import type { DemoConfig } from '../config.js';
import { formatMs, formatPercent } from '../report/format.js';
import { percentile } from '../stats/percentile.js';
import { runFloodLoad } from './flood-load.js';
import { type DatabaseQuery, FloodSide } from './flood-side.js';
import { type FloodSideRecord, type FloodSideStats, summarizeFloodSide } from './flood-stats.js';
import { type FloodPartName, type FloodWindow, floodWindows } from './flood-timeline.js';

/** Connections of the reports database: the compartment's limit on both sides. */
export const DATABASE_CONNECTIONS = 10;
/** Time of one query once it has a connection, ms (plus 0..jitter). */
export const QUERY_LATENCY_MS = 50;
/** A live call (a user waiting for a page) gives up after waiting this long for a connection, ms. */
export const LIVE_TIMEOUT_MS = 250;
/** The partitioned side: live is guaranteed 9 of the 10 connections, batch 1; either borrows idle ones. */
export const FLOOD_PARTITIONS: PartitionedBulkheadOptions<'live' | 'batch'>['partitions'] = Object.freeze({
  live: Object.freeze({ share: 0.9 }),
  batch: Object.freeze({ share: 0.1 }),
});

/** One side of the phase with its figures per part. */
export interface FloodSideRun extends FloodSideRecord {
  readonly stats: readonly FloodSideStats[];
}

/** Everything the batch-flood phase measured. */
export interface FloodRun {
  readonly windows: readonly FloodWindow[];
  readonly liveRate: number;
  readonly workers: number;
  readonly connections: number;
  readonly queryLatencyMs: number;
  readonly liveTimeoutMs: number;
  /** Connections guaranteed to each partition of the partitioned side, from its state. */
  readonly guaranteed: Readonly<Record<string, number>>;
  /** The plain semaphore first, then the partitioned compartment. */
  readonly sides: readonly FloodSideRun[];
  readonly totalMs: number;
}

/** Options of `runBatchFloodPhase`. */
export interface FloodPhaseOptions {
  config: Pick<DemoConfig, 'floodSeconds' | 'floodWorkers' | 'liveRate' | 'jitterMs'>;
  /** Called when a part starts. */
  onPhase?: (phase: FloodPartName) => void;
  /** Receives a live progress line every 5 s. */
  onProgress?: (line: string) => void;
  /** Stops the load early. */
  signal?: AbortSignal;
  /** The gateway's registry: both compartments are registered in it while the phase runs (`/bulkheads`, `/dashboard`). */
  registry?: BulkheadRegistryLike;
}

/** A query of `QUERY_LATENCY_MS` plus a random 0..`jitterMs` ms (a timer: the compartment is the bottleneck). */
export function timedQuery(jitterMs: number): DatabaseQuery {
  return () => new Promise((resolve) => setTimeout(resolve, QUERY_LATENCY_MS + Math.random() * jitterMs));
}

/**
 * The two sides, each with its own compartment of `DATABASE_CONNECTIONS`: a plain `SemaphoreBulkhead` that live
 * and batch calls share in one FIFO queue, and a `PartitionedBulkhead` (live 0.9 / batch 0.1).
 */
export function floodSides(options: { query: DatabaseQuery; now: () => number }): [FloodSide, FloodSide] {
  const plain = new SemaphoreBulkhead('reports-plain', { maxConcurrent: DATABASE_CONNECTIONS });
  const partitioned = new PartitionedBulkhead('reports-partitioned', {
    maxConcurrent: DATABASE_CONNECTIONS,
    partitions: FLOOD_PARTITIONS,
  });
  const common = { query: options.query, liveTimeoutMs: LIVE_TIMEOUT_MS, now: options.now };
  return [
    new FloodSide({
      label: 'plain SemaphoreBulkhead',
      compartment: plain,
      live: plain,
      batch: plain,
      ...common,
    }),
    new FloodSide({
      label: `PartitionedBulkhead live ${FLOOD_PARTITIONS.live.share} / batch ${FLOOD_PARTITIONS.batch.share}`,
      compartment: partitioned,
      live: partitioned.partition('live'),
      batch: partitioned.partition('batch'),
      ...common,
    }),
  ];
}

/** `  t=  5s  live p99 / served of the last 5 s:  plain 251 ms / 0.0%  partitioned 62.0 ms / 100.0%`. */
export function renderFloodProgress(
  sides: readonly FloodSide[],
  elapsedMs: number,
  windowMs = 5_000,
): string {
  const parts = sides.map((side) => {
    const recent = side.liveRecords.filter((record) => record.sentAt >= elapsedMs - windowMs);
    const latencies = recent.map((record) => record.latencyMs).sort((left, right) => left - right);
    const served = recent.filter((record) => record.outcome === 'ok').length;
    const name = side.compartment.type === 'partitioned' ? 'partitioned' : 'plain';
    return `${name} ${formatMs(percentile(latencies, 99))} / ${recent.length === 0 ? '-' : formatPercent(served / recent.length)}, batch holds ${side.batchActive}`;
  });
  return `  t=${String(Math.round(elapsedMs / 1000)).padStart(3)}s  live p99 / served of the last ${windowMs / 1000} s:  ${parts.join('  ')}`;
}

function guaranteesOf(sides: readonly FloodSide[]): Record<string, number> {
  const guaranteed: Record<string, number> = {};
  for (const side of sides) {
    const state = side.compartment.getState() as Partial<PartitionedBulkheadState>;
    for (const [name, partition] of Object.entries(state.partitions ?? {}))
      guaranteed[name] = partition.guaranteed;
  }
  return guaranteed;
}

/** Builds the run from the sides' records. */
export function floodRunOf(options: {
  windows: readonly FloodWindow[];
  liveRate: number;
  workers: number;
  sides: readonly FloodSide[];
}): FloodRun {
  return {
    windows: options.windows,
    liveRate: options.liveRate,
    workers: options.workers,
    connections: DATABASE_CONNECTIONS,
    queryLatencyMs: QUERY_LATENCY_MS,
    liveTimeoutMs: LIVE_TIMEOUT_MS,
    guaranteed: guaranteesOf(options.sides),
    totalMs: options.windows.at(-1)?.endMs ?? 0,
    sides: options.sides.map((side) => {
      const record: FloodSideRecord = {
        label: side.label,
        liveRecords: [...side.liveRecords].sort((left, right) => left.sentAt - right.sentAt),
        batchDone: side.batchDone,
        occupancy: side.occupancy,
        batchGrantsWhileLiveWaits: side.batchGrantsWhileLiveWaits,
      };
      return { ...record, stats: summarizeFloodSide(record, options.windows) };
    }),
  };
}

/**
 * The batch-flood phase: a reports database of `DATABASE_CONNECTIONS` that live traffic needs, live calls
 * alone for a quarter of the phase, then a batch job of `floodWorkers` workers on top, once on a plain
 * semaphore and once on a partitioned compartment, side by side with the same arrivals.
 */
export async function runBatchFloodPhase(options: FloodPhaseOptions): Promise<FloodRun> {
  const { config } = options;
  const windows = floodWindows(config.floodSeconds);
  const startedAt = performance.now();
  const now = (): number => performance.now() - startedAt;
  const sides = floodSides({ query: timedQuery(config.jitterMs), now });
  const registered: string[] = [];
  try {
    for (const side of sides) {
      options.registry?.register(side.compartment);
      if (options.registry !== undefined) registered.push(side.compartment.name);
    }
    await runFloodLoad({
      windows,
      liveRate: config.liveRate,
      workers: config.floodWorkers,
      sides,
      now,
      ...(options.onPhase === undefined ? {} : { onPhase: options.onPhase }),
      onProgress: (elapsedMs) => options.onProgress?.(renderFloodProgress(sides, elapsedMs)),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return floodRunOf({ windows, liveRate: config.liveRate, workers: config.floodWorkers, sides });
  } finally {
    for (const name of registered) options.registry?.unregister(name);
  }
}
