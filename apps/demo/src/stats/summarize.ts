import type { PhaseName, RouteName } from '../config.js';
import type { RequestSample } from '../load/request-sample.js';
import { percentile } from './percentile.js';
import type { PhaseWindow } from './phase-window.js';

/**
 * Figures of one route in one phase. Requests belong to the phase in which they were sent, except for
 * `throughput`, which counts successful answers that arrived during the phase (what a client sees).
 */
export interface RouteStats {
  readonly route: RouteName;
  readonly phase: PhaseName;
  readonly sent: number;
  readonly ok: number;
  /** Non-2xx answers other than rejections, socket errors and client timeouts. */
  readonly errors: number;
  /** 503 with `Retry-After` from a bulkhead. */
  readonly rejected: number;
  /** 503 with `Retry-After` from an open circuit breaker (PRO composer). */
  readonly shortCircuited: number;
  /** Successful answers that arrived during the phase, per second. */
  readonly throughput: number;
  /** Latency percentiles over every request (failures included), in ms; `NaN` when none. */
  readonly p50: number;
  readonly p99: number;
  /** `errors / sent`, 0..1. */
  readonly errorRate: number;
  /** `rejected / sent`, 0..1. */
  readonly rejectionRate: number;
  /** `shortCircuited / sent`, 0..1. */
  readonly shortCircuitRate: number;
}

/** Computes `RouteStats` for every route and phase, in the given orders. */
export function summarize(
  samples: readonly RequestSample[],
  routes: readonly RouteName[],
  windows: readonly PhaseWindow[],
): RouteStats[] {
  const result: RouteStats[] = [];
  for (const route of routes) {
    for (const window of windows) {
      const inWindow = samples.filter(
        (sample) => sample.route === route && sample.sentAt >= window.startMs && sample.sentAt < window.endMs,
      );
      const latencies = inWindow.map((sample) => sample.latencyMs).sort((left, right) => left - right);
      const ok = inWindow.filter((sample) => sample.outcome === 'ok').length;
      const rejected = inWindow.filter((sample) => sample.outcome === 'rejected').length;
      const shortCircuited = inWindow.filter((sample) => sample.outcome === 'short_circuited').length;
      const errors = inWindow.length - ok - rejected - shortCircuited;
      const seconds = (window.endMs - window.startMs) / 1000;
      const arrived = samples.filter((sample) => {
        const doneAt = sample.sentAt + sample.latencyMs;
        return (
          sample.route === route &&
          sample.outcome === 'ok' &&
          doneAt >= window.startMs &&
          doneAt < window.endMs
        );
      }).length;
      result.push({
        route,
        phase: window.phase,
        sent: inWindow.length,
        ok,
        errors,
        rejected,
        shortCircuited,
        throughput: seconds > 0 ? arrived / seconds : 0,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        errorRate: inWindow.length > 0 ? errors / inWindow.length : 0,
        rejectionRate: inWindow.length > 0 ? rejected / inWindow.length : 0,
        shortCircuitRate: inWindow.length > 0 ? shortCircuited / inWindow.length : 0,
      });
    }
  }
  return result;
}
