import type { Bulkhead } from '@x/bulkhead-core';
import { drain } from '@x/bulkhead-pro';

/** What draining the demo did, printed before it exits. */
export interface DrainReport {
  /** `drained`: every in-flight call finished; `timed_out`: some still ran after the timeout. */
  readonly status: 'drained' | 'timed_out';
  /** `pro`: PRO's `drain()`; `compartments`: each OSS compartment closed; `none`: no compartment (run without bulkheads). */
  readonly via: 'pro' | 'compartments' | 'none';
  /** Calls queued when the drain began; each rejects at once (`BulkheadClosedError`, reason `shutdown`). */
  readonly queuedAtStart: number;
  /** Every `shutdown` rejection during the drain: the queued calls plus calls that arrived later. */
  readonly shutdownRejections: number;
  /** Calls running when the drain began. */
  readonly inFlightAtStart: number;
  /** Calls that finished while the drain waited. */
  readonly finished: number;
  /** Compartments with calls still running when the drain ended. */
  readonly busy: readonly string[];
  /** How long the drain took, ms. */
  readonly durationMs: number;
}

/** Options of `drainDemo`. */
export interface DrainDemoOptions {
  /** The compartments serving the gateway now (empty without bulkheads). */
  compartments: readonly Bulkhead[];
  /** Drain through PRO's `drain()` (the PRO registry holds the compartments). */
  pro: boolean;
  /** Longest wait for in-flight calls, ms. */
  timeoutMs: number;
}

type Closable = Bulkhead & { close(): Promise<void> };

async function closeAll(
  compartments: readonly Bulkhead[],
  timeoutMs: number,
): Promise<'drained' | 'timed_out'> {
  const closes = compartments.map((bulkhead) => {
    const close = (bulkhead as Partial<Closable>).close;
    return typeof close === 'function' ? close.call(bulkhead).catch(() => undefined) : Promise.resolve();
  });
  let timer: NodeJS.Timeout | undefined;
  const status = await Promise.race([
    Promise.all(closes).then(() => 'drained' as const),
    new Promise<'timed_out'>((resolve) => {
      timer = setTimeout(() => resolve('timed_out'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  return status;
}

/**
 * Drains the demo for Ctrl-C or SIGTERM: every compartment stops admitting, its queued calls reject at
 * once, its in-flight calls may finish for up to `timeoutMs`. On PRO this is `drain()` from
 * `@x/bulkhead-pro`; on OSS each compartment is closed. Counts what happened from the compartments' events.
 */
export async function drainDemo(options: DrainDemoOptions): Promise<DrainReport> {
  const startedAt = performance.now();
  let shutdownRejections = 0;
  let finished = 0;
  const states = options.compartments.map((bulkhead) => bulkhead.getState());
  const inFlightAtStart = states.reduce((sum, state) => sum + state.activeCount, 0);
  const queuedAtStart = states.reduce((sum, state) => sum + state.waitingCount, 0);
  const unsubscribe = options.compartments.flatMap((bulkhead) => [
    bulkhead.on('rejected', (event) => {
      if (event.reason === 'shutdown') shutdownRejections++;
    }),
    bulkhead.on('finished', () => {
      finished++;
    }),
  ]);
  try {
    let status: DrainReport['status'];
    let via: DrainReport['via'];
    if (options.compartments.length === 0) {
      status = 'drained';
      via = 'none';
    } else if (options.pro) {
      const result = await drain({ timeout: options.timeoutMs });
      via = result.status === 'unavailable' ? 'compartments' : 'pro';
      status =
        result.status === 'unavailable'
          ? await closeAll(options.compartments, options.timeoutMs)
          : result.status;
    } else {
      status = await closeAll(options.compartments, options.timeoutMs);
      via = 'compartments';
    }
    const busy = options.compartments
      .filter((bulkhead) => bulkhead.getState().activeCount > 0)
      .map((bulkhead) => bulkhead.name);
    const durationMs = performance.now() - startedAt;
    return { status, via, queuedAtStart, shutdownRejections, inFlightAtStart, finished, busy, durationMs };
  } finally {
    for (const dispose of unsubscribe) dispose();
  }
}

/** One line for the terminal: how, status, duration, queued calls rejected, in-flight calls finished. */
export function describeDrain(report: DrainReport): string {
  const how = { pro: 'PRO drain()', compartments: 'each compartment closed', none: 'no compartments' }[
    report.via
  ];
  const seconds = (report.durationMs / 1000).toFixed(2);
  const busy = report.busy.length > 0 ? `; still busy: ${report.busy.join(', ')}` : '';
  const later = Math.max(0, report.shutdownRejections - report.queuedAtStart);
  return `drain (${how}): ${report.status} in ${seconds} s; ${report.queuedAtStart} queued calls rejected at once, ${report.finished} of ${report.inFlightAtStart} in-flight calls finished, ${later} later calls refused${busy}`;
}
