import { BulkheadError } from '@x/bulkhead-core';
import { validateTimeout } from '@x/bulkhead-core/extension';
import { validateOptions } from '../internal/validate-options.js';
import { liveRegistrations } from './live-registrations.js';
import type { BulkheadMetrics } from './register-bulkhead-metrics.js';

/** Options of `startMetricsUpdater()`. */
export interface MetricsUpdaterOptions {
  /** Milliseconds between two updates; finite, >= 1 (the reference design's default is 10 s). */
  interval: number;
}

/** The running metrics updater. */
export interface MetricsUpdater {
  /** Milliseconds between two updates. */
  readonly interval: number;
  /** Stops the updater (same as `stopMetricsUpdater()`). */
  stop(): void;
}

let running: { timer: NodeJS.Timeout; updater: MetricsUpdater } | undefined;

/**
 * Samples every bulkhead's state into the gauges of `metrics`, or of every live registration.
 * Only registrations with `refresh: 'update'` report these samples; scraping needs no update.
 */
export function updateBulkheadMetrics(metrics?: BulkheadMetrics): void {
  if (metrics !== undefined) {
    metrics.update();
    return;
  }
  for (const registration of liveRegistrations) registration.update();
}

/**
 * Calls `updateBulkheadMetrics()` now and then every `options.interval` ms on an unref'd timer.
 * @throws {TypeError | RangeError} for an invalid interval or an unknown key; {BulkheadError} if an updater already runs.
 */
export function startMetricsUpdater(options: MetricsUpdaterOptions): MetricsUpdater {
  validateOptions(options, ['interval']);
  const interval = validateTimeout('interval', options.interval);
  if (!Number.isFinite(interval) || interval < 1) {
    throw new RangeError(`options.interval must be a finite number of milliseconds >= 1, got ${interval}`);
  }
  if (running !== undefined) {
    throw new BulkheadError('A metrics updater is already running; call stopMetricsUpdater() first');
  }
  updateBulkheadMetrics();
  const timer = setInterval(() => updateBulkheadMetrics(), interval);
  timer.unref();
  const updater: MetricsUpdater = {
    interval,
    stop: () => {
      if (running?.updater === updater) stopMetricsUpdater();
    },
  };
  running = { timer, updater };
  return updater;
}

/** Stops the metrics updater; returns whether one was running. */
export function stopMetricsUpdater(): boolean {
  if (running === undefined) return false;
  clearInterval(running.timer);
  running = undefined;
  return true;
}
