import type { RouteName } from '../config.js';
import type { ScenarioRun } from '../run-scenario.js';
import { percentile } from '../stats/percentile.js';
import type { RouteStats } from '../stats/summarize.js';

/** The acceptance bounds of issue 7: p99 within 1.2x, throughput within 90% of the healthy phase. */
export const ACCEPTANCE_BOUNDS = Object.freeze({ maxP99Ratio: 1.2, minThroughputRatio: 0.9 });

/** How one healthy route fared while payment hung, relative to the all-healthy phase. */
export interface RouteVerdict {
  readonly route: RouteName;
  readonly healthyP99: number;
  readonly hangP99: number;
  /** `hangP99 / healthyP99`. */
  readonly p99Ratio: number;
  readonly healthyThroughput: number;
  readonly hangThroughput: number;
  /** `hangThroughput / healthyThroughput`. */
  readonly throughputRatio: number;
  /** False for routes compared for information only (the low-rate CPU route). */
  readonly judged: boolean;
  /** Whether both bounds hold. */
  readonly passed: boolean;
}

/** How the payment calls sent while it hung ended. */
export interface PaymentBreakdown {
  readonly sent: number;
  readonly ok: number;
  /** 503 + `Retry-After` from the payment compartment. */
  readonly rejected: number;
  /** 503 + `Retry-After` from the open breaker (PRO composer); no slot taken. */
  readonly shortCircuited: number;
  /** 504 from the gateway or no answer within the client timeout. */
  readonly timedOut: number;
  /** Any other failure. */
  readonly failed: number;
}

/** Verdicts of a run plus how payment overflow was answered. */
export interface RunVerdict {
  readonly routes: readonly RouteVerdict[];
  /** Payment calls sent while it hung, by outcome. */
  readonly payment: PaymentBreakdown;
  /** Payment requests answered 503 + Retry-After while it hung. */
  readonly paymentRejected: number;
  /** Median latency of those rejections, ms (`NaN` when none). */
  readonly paymentRejectionP50: number;
}

/**
 * Routes the bounds apply to: those whose downstream stays healthy. The CPU route (10 req/s by
 * default) is compared too, for information: its p99 rests on its one or two slowest requests.
 */
export const JUDGED_ROUTES: readonly RouteName[] = ['user', 'inventory'];

const COMPARED_ROUTES: readonly RouteName[] = ['user', 'inventory', 'cpu'];

function find(stats: readonly RouteStats[], route: RouteName, phase: string): RouteStats | undefined {
  return stats.find((entry) => entry.route === route && entry.phase === phase);
}

/** Compares the hang phase with the healthy phase for every route that does not depend on payment. */
export function judgeRun(run: ScenarioRun): RunVerdict {
  const routes: RouteVerdict[] = [];
  for (const route of COMPARED_ROUTES) {
    const healthy = find(run.stats, route, 'healthy');
    const hang = find(run.stats, route, 'hang');
    if (healthy === undefined || hang === undefined || healthy.sent === 0) continue;
    const p99Ratio = hang.p99 / healthy.p99;
    const throughputRatio = healthy.throughput > 0 ? hang.throughput / healthy.throughput : 0;
    routes.push({
      route,
      healthyP99: healthy.p99,
      hangP99: hang.p99,
      p99Ratio,
      healthyThroughput: healthy.throughput,
      hangThroughput: hang.throughput,
      throughputRatio,
      judged: JUDGED_ROUTES.includes(route),
      passed:
        p99Ratio <= ACCEPTANCE_BOUNDS.maxP99Ratio && throughputRatio >= ACCEPTANCE_BOUNDS.minThroughputRatio,
    });
  }
  const hangWindow = run.windows.find((window) => window.phase === 'hang');
  const hanging = run.samples.filter(
    (sample) =>
      sample.route === 'payment' &&
      hangWindow !== undefined &&
      sample.sentAt >= hangWindow.startMs &&
      sample.sentAt < hangWindow.endMs,
  );
  const rejections = hanging
    .filter((sample) => sample.outcome === 'rejected')
    .map((sample) => sample.latencyMs)
    .sort((left, right) => left - right);
  const count = (predicate: (sample: (typeof hanging)[number]) => boolean): number =>
    hanging.filter(predicate).length;
  const timedOut = count((sample) => sample.outcome === 'timeout' || sample.status === 504);
  const ok = count((sample) => sample.outcome === 'ok');
  const shortCircuited = count((sample) => sample.outcome === 'short_circuited');
  const payment: PaymentBreakdown = {
    sent: hanging.length,
    ok,
    rejected: rejections.length,
    shortCircuited,
    timedOut,
    failed: hanging.length - ok - rejections.length - shortCircuited - timedOut,
  };
  return {
    routes,
    payment,
    paymentRejected: rejections.length,
    paymentRejectionP50: percentile(rejections, 50),
  };
}
