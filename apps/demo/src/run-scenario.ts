import { type DemoConfig, type GatewayMode, type PhaseName, ROUTE_NAMES, type RouteName } from './config.js';
import { type DemoEnvironment, healthyFaults } from './demo-environment.js';
import { type RouteLoad, runLoad, type ScheduledAction } from './load/load-generator.js';
import type { RequestSample } from './load/request-sample.js';
import { renderProgressLine } from './report/progress-line.js';
import { type PhaseWindow, phaseWindows } from './stats/phase-window.js';
import { type RouteStats, summarize } from './stats/summarize.js';

/** Everything one run of the scenario measured. */
export interface ScenarioRun {
  readonly mode: GatewayMode;
  readonly windows: readonly PhaseWindow[];
  readonly samples: readonly RequestSample[];
  readonly stats: readonly RouteStats[];
  /** Length of the measured run, ms. */
  readonly totalMs: number;
}

/** Options of `runScenario`. */
export interface ScenarioOptions {
  environment: DemoEnvironment;
  config: DemoConfig;
  mode: GatewayMode;
  /** Called when a phase starts. */
  onPhase?: (phase: PhaseName) => void;
  /** Receives a live progress line every `progressSeconds`. */
  onProgress?: (line: string) => void;
  /** Seconds between progress lines (default 5). */
  progressSeconds?: number;
}

/** The load each route gets. */
export function routeLoads(config: Pick<DemoConfig, 'rate' | 'cpuRate'>): RouteLoad[] {
  return ROUTE_NAMES.map((route: RouteName) => ({
    route,
    rate: route === 'cpu' ? config.cpuRate : config.rate,
  }));
}

/**
 * Runs healthy -> payment hangs -> payment recovers against the gateway in `mode`, after a short
 * unmeasured warm-up, and summarises it.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioRun> {
  const { environment, config, mode } = options;
  const { downstreams } = environment;
  await environment.useMode(mode);
  const healthy = healthyFaults(config);
  downstreams.setFaults('payment', healthy);
  const loads = routeLoads(config).filter((load) => load.rate > 0);
  const baseUrl = environment.gateway.url;
  environment.phase = 'healthy';
  await runLoad({
    baseUrl,
    routes: loads,
    durationMs: 1_000,
    maxRequests: config.maxRequests,
    timeoutMs: config.clientTimeoutMs,
  });
  const windows = phaseWindows({
    healthyMs: config.healthySeconds * 1000,
    hangMs: config.hangSeconds * 1000,
    recoveredMs: config.recoveredSeconds * 1000,
  });
  const enter = (phase: PhaseName): void => {
    environment.phase = phase;
    if (phase === 'hang') downstreams.setFaults('payment', { latencyMs: config.hangLatencyMs });
    if (phase === 'recovered') downstreams.setFaults('payment', healthy);
    options.onPhase?.(phase);
  };
  const totalMs = windows.at(-1)?.endMs ?? 0;
  const progressMs = (options.progressSeconds ?? 5) * 1000;
  let recent: RequestSample[] = [];
  const progress: ScheduledAction[] = [];
  for (let atMs = progressMs; options.onProgress !== undefined && atMs <= totalMs; atMs += progressMs) {
    progress.push({
      atMs,
      run: () => {
        options.onProgress?.(
          renderProgressLine({
            atSeconds: atMs / 1000,
            phase: environment.phase,
            samples: recent,
            windowSeconds: progressMs / 1000,
            routes: loads.map((load) => load.route),
          }),
        );
        recent = [];
      },
    });
  }
  const samples = await runLoad({
    baseUrl,
    routes: loads,
    durationMs: totalMs,
    maxRequests: config.maxRequests,
    timeoutMs: config.clientTimeoutMs,
    ...(options.onProgress === undefined ? {} : { onSample: (sample: RequestSample) => recent.push(sample) }),
    schedule: [
      ...progress,
      ...windows.map((window) => ({ atMs: window.startMs, run: () => enter(window.phase) })),
    ],
  });
  environment.phase = 'idle';
  downstreams.setFaults('payment', healthy);
  return { mode, windows, samples, totalMs, stats: summarize(samples, ROUTE_NAMES, windows) };
}
