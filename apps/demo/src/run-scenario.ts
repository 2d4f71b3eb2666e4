import { type DemoConfig, type GatewayMode, type PhaseName, ROUTE_NAMES, type RouteName } from './config.js';
import { type DemoEnvironment, healthyFaults } from './demo-environment.js';
import { type RouteLoad, runLoad, type ScheduledAction } from './load/load-generator.js';
import type { RequestSample } from './load/request-sample.js';
import { renderProgressLine } from './report/progress-line.js';
import { type PhaseWindow, phaseWindows } from './stats/phase-window.js';
import { type RouteStats, summarize } from './stats/summarize.js';

/** Something that happened to the running system at a point of the run, marked on the charts. */
export interface RunMarker {
  /** Milliseconds since the measured run started. */
  readonly atMs: number;
  readonly label: string;
}

/** What an operator does at a point of the run; resolves with the marker's label. */
export interface OperatorAction {
  /** Milliseconds since the measured run started. */
  readonly atMs: number;
  readonly run: () => Promise<string>;
}

/** Everything one run of the scenario measured. */
export interface ScenarioRun {
  readonly mode: GatewayMode;
  /** Tier of the run's compartments: `pro` when they came from the PRO registry. */
  readonly tier: 'oss' | 'pro';
  /** Operator actions, in order. */
  readonly markers: readonly RunMarker[];
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
  /** Tier of the compartments (default `oss`). */
  tier?: 'oss' | 'pro';
  /** What an operator does during the run (PRO: resize through the admin API). */
  operatorActions?: readonly OperatorAction[];
  /** Stops the load early (Ctrl-C, SIGTERM); the run then waits for the requests in flight. */
  signal?: AbortSignal;
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
    ...(options.signal === undefined ? {} : { signal: options.signal }),
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
  const markers: RunMarker[] = [];
  const operatorWork: Promise<void>[] = [];
  const operator: ScheduledAction[] = (options.operatorActions ?? []).map((action) => ({
    atMs: action.atMs,
    run: () => {
      operatorWork.push(
        action.run().then(
          (label) => {
            markers.push({ atMs: action.atMs, label });
            options.onProgress?.(
              `  t=${String(Math.round(action.atMs / 1000)).padStart(3)}s operator  ${label}`,
            );
          },
          (error: unknown) => {
            const label = `operator action failed: ${error instanceof Error ? error.message : String(error)}`;
            markers.push({ atMs: action.atMs, label });
            options.onProgress?.(`  ${label}`);
          },
        ),
      );
    },
  }));
  const samples = await runLoad({
    baseUrl,
    routes: loads,
    durationMs: totalMs,
    maxRequests: config.maxRequests,
    timeoutMs: config.clientTimeoutMs,
    ...(options.onProgress === undefined ? {} : { onSample: (sample: RequestSample) => recent.push(sample) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    schedule: [
      ...progress,
      ...windows.map((window) => ({ atMs: window.startMs, run: () => enter(window.phase) })),
      ...operator,
    ],
  });
  await Promise.all(operatorWork);
  environment.phase = 'idle';
  downstreams.setFaults('payment', healthy);
  markers.sort((left, right) => left.atMs - right.atMs);
  return {
    mode,
    tier: options.tier ?? 'oss',
    markers,
    windows,
    samples,
    totalMs,
    stats: summarize(samples, ROUTE_NAMES, windows),
  };
}
