import { Agent, request as httpRequest } from 'node:http';
import type { AdaptiveLimitOptions, BulkheadRegistryLike } from '@x/bulkhead-core';
import type { DemoConfig } from '../config.js';
import { formatMs } from '../report/format.js';
import { percentile } from '../stats/percentile.js';
import { runAdaptiveLoad, warmUp } from './adaptive-load.js';
import { type AdaptiveSideRecord, type AdaptiveSideStats, summarizeAdaptiveSide } from './adaptive-stats.js';
import { type AdaptivePhaseName, type AdaptiveWindow, adaptiveWindows } from './adaptive-timeline.js';
import { type CapacityService, startCapacityService } from './capacity-service.js';
import { ClientSide, type UserServiceCall } from './client-side.js';

/** Service time of one user request once a worker has it, ms. */
export const USER_SERVICE_LATENCY_MS = 100;
/** A user call without an answer after this many ms is abandoned (permit released as `timeout`). */
export const USER_CALL_TIMEOUT_MS = 1_000;
/** Unmeasured calls before the phase, straight to the services (connections, code paths), ms. */
export const WARM_UP_MS = 1_000;
/** The controller of the adaptive side, as the core README advises. */
export const ADAPTIVE_OPTIONS: Readonly<AdaptiveLimitOptions> = Object.freeze({
  algorithm: 'vegas',
  minLimit: 2,
  maxLimit: 200,
});

/** One side of the adaptive phase with its figures per part. */
export interface AdaptiveSideRun extends AdaptiveSideRecord {
  readonly stats: readonly AdaptiveSideStats[];
}

/** Everything the adaptive phase measured. */
export interface AdaptiveRun {
  readonly windows: readonly AdaptiveWindow[];
  /** Calls per second each side received. */
  readonly rate: number;
  /** The user service's healthy capacity, which is also the fixed limit. */
  readonly capacity: number;
  readonly serviceLatencyMs: number;
  readonly timeoutMs: number;
  /** The adaptive side first, then the fixed one. */
  readonly sides: readonly AdaptiveSideRun[];
  readonly totalMs: number;
}

/** Options of `runAdaptivePhase`. */
export interface AdaptivePhaseOptions {
  config: Pick<DemoConfig, 'adaptiveSeconds' | 'adaptiveRate' | 'userCapacity' | 'jitterMs'>;
  /** Called when a part starts. */
  onPhase?: (phase: AdaptivePhaseName) => void;
  /** Receives a live progress line every 5 s. */
  onProgress?: (line: string) => void;
  /** Stops the load early. */
  signal?: AbortSignal;
  /**
   * The gateway's registry: both compartments are registered in it while the phase runs, so `/bulkheads`,
   * `/metrics` and `/dashboard` show the adaptive limit live.
   */
  registry?: BulkheadRegistryLike;
}

function httpCall(url: string, agent: Agent): UserServiceCall {
  return (signal) =>
    new Promise<boolean>((resolve) => {
      const outgoing = httpRequest(url, { agent, signal }, (incoming) => {
        const ok = (incoming.statusCode ?? 0) >= 200 && (incoming.statusCode ?? 0) < 300;
        incoming.resume();
        incoming.on('end', () => resolve(ok));
        incoming.on('error', () => resolve(false));
      });
      outgoing.on('error', () => resolve(false));
      outgoing.on('close', () => resolve(false)); // no-op after 'end'
      outgoing.end();
    });
}

/** `  t= 10s  limit / p99 of the last 5 s:  adaptive 14 / 152 ms  fixed 40 / 401 ms`. */
export function renderAdaptiveProgress(
  sides: readonly ClientSide[],
  elapsedMs: number,
  windowMs = 5_000,
): string {
  const parts = sides.map((side) => {
    const latencies = side.records
      .filter((record) => record.outcome !== 'rejected' && record.sentAt >= elapsedMs - windowMs)
      .map((record) => record.latencyMs)
      .sort((left, right) => left - right);
    const kind = side.controller === undefined ? 'fixed' : 'adaptive';
    return `${kind} ${side.limit} / ${formatMs(percentile(latencies, 99))}`;
  });
  return `  t=${String(Math.round(elapsedMs / 1000)).padStart(3)}s  limit / p99 of the last ${windowMs / 1000} s:  ${parts.join('  ')}`;
}

/** Builds the run from the sides' records. */
export function adaptiveRunOf(options: {
  windows: readonly AdaptiveWindow[];
  rate: number;
  capacity: number;
  sides: readonly ClientSide[];
}): AdaptiveRun {
  return {
    windows: options.windows,
    rate: options.rate,
    capacity: options.capacity,
    serviceLatencyMs: USER_SERVICE_LATENCY_MS,
    timeoutMs: USER_CALL_TIMEOUT_MS,
    totalMs: options.windows.at(-1)?.endMs ?? 0,
    sides: options.sides.map((side) => {
      const record: AdaptiveSideRecord = {
        kind: side.controller === undefined ? 'fixed' : 'adaptive',
        label:
          side.controller === undefined
            ? `fixed limit ${options.capacity}`
            : `adaptive (${side.controller.algorithm})`,
        records: [...side.records].sort((left, right) => left.sentAt - right.sentAt),
        limits: side.limits,
        changes: side.changes,
      };
      return { ...record, stats: summarizeAdaptiveSide(record, options.windows) };
    }),
  };
}

/**
 * The adaptive phase: two copies of a user service of capacity `userCapacity`, one called through a
 * compartment under `adaptiveLimit()` (vegas), one through a fixed limit of `userCapacity`, the same
 * open-loop arrivals for both, after a one-second unmeasured warm-up; the service drops to a quarter of its
 * capacity, then recovers.
 */
export async function runAdaptivePhase(options: AdaptivePhaseOptions): Promise<AdaptiveRun> {
  const { config } = options;
  const windows = adaptiveWindows({ seconds: config.adaptiveSeconds, capacity: config.userCapacity });
  const services: CapacityService[] = [];
  const agents: Agent[] = [];
  const registered: string[] = [];
  let startedAt = performance.now();
  const now = (): number => performance.now() - startedAt;
  try {
    for (let index = 0; index < 2; index++) {
      services.push(
        await startCapacityService({
          capacity: config.userCapacity,
          latencyMs: USER_SERVICE_LATENCY_MS,
          jitterMs: config.jitterMs,
        }),
      );
      agents.push(new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }));
    }
    const [adaptiveService, fixedService] = services as [CapacityService, CapacityService];
    const [adaptiveAgent, fixedAgent] = agents as [Agent, Agent];
    const adaptiveCall = httpCall(adaptiveService.url, adaptiveAgent);
    const fixedCall = httpCall(fixedService.url, fixedAgent);
    await warmUp({
      calls: [adaptiveCall, fixedCall],
      rate: config.adaptiveRate,
      durationMs: WARM_UP_MS,
      timeoutMs: USER_CALL_TIMEOUT_MS,
    });
    const sides = [
      new ClientSide({
        name: 'users-adaptive',
        limit: config.userCapacity,
        adaptive: ADAPTIVE_OPTIONS,
        call: adaptiveCall,
        timeoutMs: USER_CALL_TIMEOUT_MS,
        now,
      }),
      new ClientSide({
        name: 'users-fixed',
        limit: config.userCapacity,
        call: fixedCall,
        timeoutMs: USER_CALL_TIMEOUT_MS,
        now,
      }),
    ];
    for (const side of sides) {
      options.registry?.register(side.bulkhead);
      if (options.registry !== undefined) registered.push(side.name);
    }
    startedAt = performance.now();
    await runAdaptiveLoad({
      windows,
      rate: config.adaptiveRate,
      sides,
      now,
      setCapacity: (capacity) => {
        for (const service of services) service.queue.capacity = capacity;
      },
      ...(options.onPhase === undefined ? {} : { onPhase: options.onPhase }),
      onProgress: (elapsedMs) => options.onProgress?.(renderAdaptiveProgress(sides, elapsedMs)),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    for (const side of sides) side.stop();
    return adaptiveRunOf({ windows, rate: config.adaptiveRate, capacity: config.userCapacity, sides });
  } finally {
    for (const name of registered) options.registry?.unregister(name);
    for (const agent of agents) agent.destroy();
    await Promise.all(services.map((service) => service.close()));
  }
}
