import { type AdaptiveLimitOptions, adaptiveLimit, SemaphoreBulkhead } from '@x/bulkhead-core';
import { OpenLoopLoad } from '../../../packages/core/src/adaptive/test-support/open-loop-load.ts';
import { SimulatedDownstream } from '../../../packages/core/src/adaptive/test-support/simulated-downstream.ts';
import { VirtualClock } from './adaptive-virtual-clock.js';
import { type BenchOptions, quickFromArgv } from './bench-options.js';
import { formatTable } from './format-table.js';
import { isMainModule } from './is-main-module.js';

/** Downstream run time (ms) when not queued. */
const LATENCY = 100;
/** Capacity of the downstream in each phase. */
const CAPACITIES = [40, 10, 40] as const;
/** Arrivals per ms: 1.5x what the downstream serves at its largest. */
const RATE = (1.5 * 40) / LATENCY;

type Contender =
  | { readonly name: string; readonly fixed: number }
  | {
      readonly name: string;
      readonly adaptive: AdaptiveLimitOptions;
      /** Held to the target (tuned for a p99 within 1.5x of the unloaded run time), or shown for information. */
      readonly target: boolean;
    };

const CONTENDERS: readonly Contender[] = [
  {
    name: 'aimd (latencyThreshold 125)',
    adaptive: { algorithm: 'aimd', initialLimit: 20, latencyThreshold: 1.25 * LATENCY },
    target: true,
  },
  {
    name: 'vegas (alpha 2, beta 4)',
    adaptive: { algorithm: 'vegas', initialLimit: 20, alpha: 2, beta: 4 },
    target: true,
  },
  {
    name: 'gradient2 (rttTolerance 1)',
    adaptive: { algorithm: 'gradient2', initialLimit: 20, rttTolerance: 1 },
    target: true,
  },
  { name: 'aimd (defaults)', adaptive: { algorithm: 'aimd', initialLimit: 20 }, target: false },
  { name: 'vegas (defaults)', adaptive: { algorithm: 'vegas', initialLimit: 20 }, target: false },
  { name: 'gradient2 (defaults)', adaptive: { algorithm: 'gradient2', initialLimit: 20 }, target: false },
  { name: 'fixed 10', fixed: 10 },
  { name: 'fixed 40', fixed: 40 },
  { name: 'fixed 100', fixed: 100 },
];

interface PhaseResult {
  readonly goodput: number;
  readonly p99: number;
  /** Successful calls slower than 1.5x the unloaded run time. */
  readonly slow: number;
  readonly minLimit: number;
  readonly maxLimit: number;
}

interface ContenderResult {
  readonly name: string;
  readonly adaptive: boolean;
  readonly target: boolean;
  readonly phases: readonly PhaseResult[];
  readonly changes: number;
}

async function runContender(contender: Contender, phaseLength: number): Promise<ContenderResult> {
  const clock = new VirtualClock().install();
  try {
    const bulkhead = new SemaphoreBulkhead(contender.name, {
      maxConcurrent: 'fixed' in contender ? contender.fixed : 20,
      maxQueue: 0,
    });
    const controller = 'adaptive' in contender ? adaptiveLimit(bulkhead, contender.adaptive) : undefined;
    const downstream = new SimulatedDownstream({
      capacity: CAPACITIES[0],
      latency: LATENCY,
      timeoutAfter: 5 * LATENCY,
    });
    const load = new OpenLoopLoad(bulkhead, downstream, RATE);
    load.start();
    const phases: PhaseResult[] = [];
    for (const capacity of CAPACITIES) {
      downstream.capacity = capacity;
      const from = clock.now;
      let minLimit = bulkhead.maxConcurrent;
      let maxLimit = bulkhead.maxConcurrent;
      const stopWatching = controller?.on('change', ({ limit }) => {
        minLimit = Math.min(minLimit, limit);
        maxLimit = Math.max(maxLimit, limit);
      });
      await clock.runFor(phaseLength);
      stopWatching?.();
      const summary = load.summary(from, clock.now);
      phases.push({
        goodput: summary.goodput,
        p99: summary.p99,
        slow: load.records.filter(
          (record) =>
            record.outcome === 'success' &&
            record.finishedAt >= from &&
            record.finishedAt - record.startedAt > 1.5 * LATENCY,
        ).length,
        minLimit,
        maxLimit,
      });
    }
    load.stop();
    controller?.stop();
    await clock.runFor(10 * LATENCY);
    return {
      name: contender.name,
      adaptive: controller !== undefined,
      target: 'target' in contender && contender.target,
      phases,
      changes: controller?.changeCount ?? 0,
    };
  } finally {
    clock.uninstall();
  }
}

/** Per phase, the best fixed limit: highest goodput, then lowest p99. */
function bestFixed(results: readonly ContenderResult[], phase: number): PhaseResult {
  const fixed = results.filter((result) => !result.adaptive).map((result) => result.phases[phase]!);
  const most = Math.max(...fixed.map((candidate) => candidate.goodput));
  return fixed
    .filter((candidate) => candidate.goodput >= 0.95 * most)
    .reduce((best, candidate) => (candidate.p99 < best.p99 ? candidate : best));
}

/**
 * Adaptive area: each algorithm and fixed limits 10, 40, 100 against a simulated downstream whose capacity
 * steps 40 -> 10 -> 40 (latency 100 ms, callers give up after 500 ms), in simulated time; prints goodput
 * and p99 per phase and the verdicts against the issue's target.
 */
export async function main(options: BenchOptions = {}): Promise<void> {
  const quick = options.quick ?? quickFromArgv();
  const phaseLength = quick ? 60_000 : 120_000;
  console.log(`## adaptive: adaptive limits vs fixed limits${quick ? ' (--quick)' : ''}\n`);
  console.log(
    `Simulated time (not this machine's speed): downstream latency ${LATENCY} ms, capacity ${CAPACITIES.join(' -> ')} ` +
      `for ${phaseLength / 1000} s each, callers give up after ${5 * LATENCY} ms, open-loop arrivals ` +
      `${RATE * 1000}/s, no queue in the bulkhead. "slow": successful calls over ${1.5 * LATENCY} ms (mostly right ` +
      'after a capacity step, before the limit follows). Rows marked "defaults" use each algorithm\'s published ' +
      'defaults and are shown for information; the others are tuned for a p99 within 1.5x of the unloaded run time.\n',
  );
  const results: ContenderResult[] = [];
  for (const contender of CONTENDERS) results.push(await runContender(contender, phaseLength));
  const best = CAPACITIES.map((_, phase) => bestFixed(results, phase));
  const headers = ['limit'];
  for (const [phase, capacity] of CAPACITIES.entries()) {
    headers.push(`${phase + 1}: C=${capacity} goodput/s`, 'p99 ms', 'slow', 'limit range');
  }
  headers.push('changes');
  const rows = results.map((result) => [
    result.name,
    ...result.phases.flatMap((phase) => [
      phase.goodput.toFixed(0),
      phase.p99.toFixed(0),
      String(phase.slow),
      phase.minLimit === phase.maxLimit ? String(phase.minLimit) : `${phase.minLimit}-${phase.maxLimit}`,
    ]),
    String(result.changes),
  ]);
  console.log(
    formatTable({ headers, rows, align: headers.map((_, index) => (index === 0 ? 'left' : 'right')) }),
  );
  console.log('');
  for (const result of results) {
    if (result.adaptive) {
      const verdicts = result.phases.map((phase, index) => {
        const goodput = phase.goodput / best[index]!.goodput;
        const p99 = phase.p99 / best[index]!.p99;
        return {
          pass: goodput >= 0.9 && p99 <= 1.5,
          text: `phase ${index + 1} goodput ${(goodput * 100).toFixed(0)} %, p99 ${p99.toFixed(2)}x`,
        };
      });
      const pass = verdicts.every((verdict) => verdict.pass);
      console.log(
        `- ${result.target ? (pass ? 'PASS' : 'FAIL') : `(info: would ${pass ? 'pass' : 'fail'})`} ${result.name}: >= 90 % of the best fixed goodput and p99 <= 1.5x in every phase (${verdicts.map((verdict) => verdict.text).join('; ')})`,
      );
    } else {
      const losses = result.phases.flatMap((phase, index) => {
        const goodput = phase.goodput / best[index]!.goodput;
        const p99 = phase.p99 / best[index]!.p99;
        return goodput < 0.9 || p99 > 1.5
          ? [`phase ${index + 1} goodput ${(goodput * 100).toFixed(0)} %, p99 ${p99.toFixed(2)}x`]
          : [];
      });
      console.log(
        `- ${losses.length > 0 ? 'PASS' : 'FAIL'} ${result.name} loses badly in at least one phase (${losses.join('; ') || 'none'})`,
      );
    }
  }
  console.log('');
}

if (isMainModule(import.meta.url)) await main();
