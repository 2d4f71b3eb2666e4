import { type DemoConfig, type GatewayMode, type PhaseName, ROUTE_NAMES, type RouteName } from './config.js';
import { type DemoEnvironment, healthyFaults } from './demo-environment.js';
import { type RouteLoad, runLoad } from './load/load-generator.js';
import type { RequestSample } from './load/request-sample.js';
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
  const samples = await runLoad({
    baseUrl,
    routes: loads,
    durationMs: totalMs,
    maxRequests: config.maxRequests,
    timeoutMs: config.clientTimeoutMs,
    schedule: windows.map((window) => ({ atMs: window.startMs, run: () => enter(window.phase) })),
  });
  environment.phase = 'idle';
  downstreams.setFaults('payment', healthy);
  return { mode, windows, samples, totalMs, stats: summarize(samples, ROUTE_NAMES, windows) };
}
