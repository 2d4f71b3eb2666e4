import type { BenchOptions } from './bench-options.js';
import { quickFromArgv } from './bench-options.js';
import { runBurstScenario, runBurstWithTimeoutScenario } from './core/burst-scenario.js';
import { runQueueScalingScenario } from './core/queue-scaling-scenario.js';
import { runRejectionScenario } from './core/rejection-scenario.js';
import { formatScenario, formatVerdict, type ScenarioReport, type Verdict } from './core/report.js';
import { runRetainedMemoryScenario } from './core/retained-memory-scenario.js';
import { type CoreBenchSettings, coreBenchSettings } from './core/settings.js';
import { runUncontendedScenario } from './core/uncontended-scenario.js';
import { isMainModule } from './is-main-module.js';
import { canCollectGarbage } from './measure.js';

const SCENARIOS: readonly ((settings: CoreBenchSettings) => Promise<ScenarioReport>)[] = [
  runUncontendedScenario,
  (settings) => runBurstScenario(settings),
  runBurstWithTimeoutScenario,
  runQueueScalingScenario,
  runRejectionScenario,
  runRetainedMemoryScenario,
];

/**
 * Core area: @x/bulkhead-core against a bare await, p-limit, async-sema and cockatiel, measured in
 * the same run; prints one markdown table and verdict lines per scenario, then a summary.
 */
export async function main(options: BenchOptions = {}): Promise<void> {
  const quick = options.quick ?? quickFromArgv();
  const settings = coreBenchSettings(quick);
  const started = performance.now();
  console.log(`## core: @x/bulkhead-core vs p-limit, async-sema, cockatiel${quick ? ' (--quick)' : ''}\n`);
  if (!canCollectGarbage())
    console.log('> note: started without --expose-gc; GC between runs and memory are skipped\n');
  const verdicts: Verdict[] = [];
  for (const scenario of SCENARIOS) {
    const scenarioStarted = performance.now();
    const report = await scenario(settings);
    const seconds = ((performance.now() - scenarioStarted) / 1000).toFixed(1);
    console.log(`${formatScenario(report)}\n\n_(${seconds} s)_\n`);
    verdicts.push(...report.verdicts);
  }
  const failed = verdicts.filter((verdict) => !verdict.pass).length;
  console.log(`### core summary: ${verdicts.length - failed} of ${verdicts.length} targets met\n`);
  console.log(verdicts.map(formatVerdict).join('\n'));
  console.log(`\n_core area took ${((performance.now() - started) / 1000).toFixed(0)} s_\n`);
}

if (isMainModule(import.meta.url)) await main();
