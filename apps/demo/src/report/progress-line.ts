import type { RouteName } from '../config.js';
import type { RequestSample } from '../load/request-sample.js';
import { percentile } from '../stats/percentile.js';
import { formatMs, formatRate } from './format.js';

/** Options of `renderProgressLine`. */
export interface ProgressLineOptions {
  /** Seconds since the run started. */
  atSeconds: number;
  /** Current phase. */
  phase: string;
  /** Requests that settled during the window. */
  samples: readonly RequestSample[];
  /** Length of the window, in seconds. */
  windowSeconds: number;
  routes: readonly RouteName[];
}

/** One live line for the terminal: per route, successes/s, p99, rejections/s and failures over the last window. */
export function renderProgressLine(options: ProgressLineOptions): string {
  const parts = options.routes.map((route) => {
    const own = options.samples.filter((sample) => sample.route === route);
    const ok = own.filter((sample) => sample.outcome === 'ok').length / options.windowSeconds;
    const rejected = own.filter((sample) => sample.outcome === 'rejected').length / options.windowSeconds;
    const open = own.filter((sample) => sample.outcome === 'short_circuited').length / options.windowSeconds;
    const failed = own.filter((sample) => sample.outcome === 'error' || sample.outcome === 'timeout').length;
    const p99 = percentile(
      own.map((sample) => sample.latencyMs).sort((left, right) => left - right),
      99,
    );
    const extra = `${rejected > 0 ? `, 503 ${formatRate(rejected)}/s` : ''}${open > 0 ? `, breaker open ${formatRate(open)}/s` : ''}${failed > 0 ? `, ${failed} failed` : ''}`;
    return `${route} ${formatRate(ok)}/s p99 ${formatMs(p99)}${extra}`;
  });
  const clock = `t=${String(Math.round(options.atSeconds)).padStart(3)}s`;
  return `  ${clock} ${options.phase.padEnd(9)} ${parts.join(' | ')}`;
}
