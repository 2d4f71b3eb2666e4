import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type AdaptiveRun, runAdaptivePhase } from './adaptive/adaptive-phase.js';
import { type FloodRun, runBatchFloodPhase } from './batch-flood/flood-phase.js';
import type { DemoConfig, GatewayMode, PhaseName } from './config.js';
import { startDemoEnvironment } from './demo-environment.js';
import { activateTier, type TierActivation, wantsPro } from './pro/activate-tier.js';
import { type ProSettingsFile, writeProSettingsFile } from './pro/pro-settings.js';
import { type ProSide, startProSide } from './pro/pro-side.js';
import { renderAdaptiveTable } from './report/adaptive-table.js';
import { renderFloodTable } from './report/flood-table.js';
import { renderHtmlReport } from './report/html-report.js';
import { renderAcceptance, renderTerminalTable } from './report/terminal-table.js';
import { runScenario, type ScenarioRun } from './run-scenario.js';
import { type DrainReport, describeDrain, drainDemo } from './shutdown/drain-demo.js';

/** Options of `runDemo`. */
export interface RunDemoOptions {
  config: DemoConfig;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Called once everything listens, with the gateway's and the downstreams' base URLs. */
  onListening?: (urls: { gateway: string; downstreams: string }) => void;
  /** Called when a run enters a phase. */
  onPhase?: (mode: GatewayMode, phase: PhaseName) => void;
  /** Environment holding `BULKHEAD_LICENSE_KEY` (default `process.env`). */
  env?: Record<string, string | undefined>;
  /**
   * Ctrl-C / SIGTERM: stops the load and drains the compartments (queued calls reject, in-flight
   * calls finish); the run in progress is left out of the report.
   */
  signal?: AbortSignal;
}

/** What `runDemo` produced. */
export interface DemoResult {
  /** What `init()` resolved to, and where the license key came from. */
  readonly tier: TierActivation;
  readonly runs: readonly ScenarioRun[];
  /** Terminal table plus acceptance lines. */
  readonly summary: string;
  /** Absolute path of the HTML report (written once at least one run completed). */
  readonly reportPath: string;
  /** Present when `signal` interrupted the demo: what draining did. */
  readonly drain?: DrainReport;
  /** The adaptive-limit phase (absent when `adaptiveSeconds` is 0 or the demo was interrupted). */
  readonly adaptive?: AdaptiveRun;
  /** The batch-flood phase (absent when `floodSeconds` is 0 or the demo was interrupted). */
  readonly flood?: FloodRun;
}

/** Date, platform and CPU of this machine, for the report. */
export function describeMachine(): string {
  const cpus = os.cpus();
  return `${new Date().toISOString()} · ${os.platform()} ${os.arch()} · ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'} · Node ${process.versions.node}`;
}

/**
 * Starts the services, runs the scenario once per mode, writes the HTML report and returns the
 * figures. Everything listens on 127.0.0.1 and is stopped before it resolves.
 * @throws the gateway's listen error (e.g. `EADDRINUSE`), or the report's write error.
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoResult> {
  const { config } = options;
  const log = options.log ?? (() => {});
  const env = options.env ?? process.env;
  const settings: ProSettingsFile | undefined = wantsPro({ pro: config.pro, env })
    ? await writeProSettingsFile(config)
    : undefined;
  let pro: ProSide | undefined;
  let environment: Awaited<ReturnType<typeof startDemoEnvironment>> | undefined;
  const runs: ScenarioRun[] = [];
  const { signal } = options;
  const interrupted = (): boolean => signal?.aborted === true;
  let currentRunOnPro = false;
  let draining: Promise<DrainReport> | undefined;
  const startDrain = (): void => {
    if (environment === undefined || draining !== undefined) return;
    log(
      `\nInterrupted: draining (queued calls reject, in-flight calls finish; at most ${config.drainTimeoutMs} ms)`,
    );
    draining = drainDemo({
      compartments: environment.registry.list(),
      pro: currentRunOnPro,
      timeoutMs: config.drainTimeoutMs,
    }).then((report) => {
      log(describeDrain(report));
      return report;
    });
  };
  signal?.addEventListener('abort', startDrain, { once: true });
  try {
    const tier = await activateTier({
      pro: config.pro,
      env,
      log,
      ...(settings === undefined ? {} : { settingsFile: settings.path }),
    });
    if (tier.registry !== undefined) {
      log(
        `PRO registry: payment, user and inventory compartments from the settings file ${settings?.path ?? '?'}`,
      );
      pro = await startProSide({ config, registry: tier.registry, log });
    }
    environment = await startDemoEnvironment(config, { pro: pro?.routes });
    if (interrupted()) startDrain(); // interrupted while starting
    options.onListening?.({ gateway: environment.gateway.url, downstreams: environment.downstreams.url });
    log('\nEvery 5 s, per route: successful answers/s, p99 latency, 503 rejections/s and failures.');
    for (const mode of config.modes) {
      if (interrupted()) break;
      const onPro = mode === 'bulkheads' && pro !== undefined;
      currentRunOnPro = onPro;
      log(
        `\n▶ run ${runs.length + 1}/${config.modes.length}: ${mode === 'bulkheads' ? `WITH bulkheads${onPro ? ' (PRO: registry, admin API, breaker on payment)' : ''}` : 'WITHOUT bulkheads (one shared pool)'}`,
      );
      const run = await runScenario({
        environment,
        config,
        mode,
        tier: onPro ? 'pro' : 'oss',
        operatorActions: onPro ? (pro?.operatorActions ?? []) : [],
        onPhase: (phase) => {
          log(`  ${new Date().toISOString().slice(11, 19)}  phase: ${phase}`);
          options.onPhase?.(mode, phase);
        },
        onProgress: log,
        ...(signal === undefined ? {} : { signal }),
      });
      if (interrupted()) break; // an interrupted run is not reported
      runs.push(run);
    }
    let adaptive: AdaptiveRun | undefined;
    if (config.adaptiveSeconds > 0 && !interrupted()) {
      log(
        '\n▶ adaptive limit: the user service drops to a quarter of its capacity (adaptive vs fixed limit;\n  users-adaptive and users-fixed are live on /dashboard, /bulkheads and /metrics)',
      );
      const phase = await runAdaptivePhase({
        config,
        onPhase: (part) => log(`  ${new Date().toISOString().slice(11, 19)}  part: ${part}`),
        onProgress: log,
        registry: environment.registry,
        ...(signal === undefined ? {} : { signal }),
      });
      if (!interrupted()) adaptive = phase; // an interrupted phase is not reported
    }
    let flood: FloodRun | undefined;
    if (config.floodSeconds > 0 && !interrupted()) {
      log(
        '\n▶ batch flood: a batch job floods the reports database live calls need (plain semaphore vs\n  PartitionedBulkhead live 0.9 / batch 0.1; reports-plain and reports-partitioned are live on /dashboard and /bulkheads)',
      );
      const phase = await runBatchFloodPhase({
        config,
        onPhase: (part) => log(`  ${new Date().toISOString().slice(11, 19)}  part: ${part}`),
        onProgress: log,
        registry: environment.registry,
        ...(signal === undefined ? {} : { signal }),
      });
      if (!interrupted()) flood = phase; // an interrupted phase is not reported
    }
    const drain = await draining;
    const summary = `${renderTerminalTable(runs)}\n\n${renderAcceptance(runs)}${adaptive === undefined ? '' : `\n\n${renderAdaptiveTable(adaptive)}`}${flood === undefined ? '' : `\n\n${renderFloodTable(flood)}`}`;
    const reportPath = path.resolve(config.outputPath);
    if (runs.length > 0) {
      await writeFile(
        reportPath,
        renderHtmlReport({
          runs,
          config,
          environment: describeMachine(),
          ...(adaptive === undefined ? {} : { adaptive }),
          ...(flood === undefined ? {} : { flood }),
        }),
        'utf8',
      );
    }
    return {
      tier,
      runs,
      summary,
      reportPath,
      ...(drain === undefined ? {} : { drain }),
      ...(adaptive === undefined ? {} : { adaptive }),
      ...(flood === undefined ? {} : { flood }),
    };
  } finally {
    signal?.removeEventListener('abort', startDrain);
    await environment?.close();
    await pro?.close();
    await settings?.remove();
  }
}
