import type { BenchOptions } from './bench-options.js';
import { quickFromArgv } from './bench-options.js';
import { formatRatio } from './format-number.js';
import { formatTable } from './format-table.js';
import { isMainModule } from './is-main-module.js';
import { CONTENDERS, type ContenderName, openSemaphore } from './redis-bench-contenders.js';
import { fifoViolations, jainIndex, percentile, wakeUpLatencies } from './redis-bench-metrics.js';
import { type BenchRedis, commandCount, startBenchRedis } from './redis-bench-server.js';
import type { RedisWorkerRequest, RedisWorkerResult } from './redis-bench-worker.js';
import { runInChild } from './run-in-child.js';

interface RedisSettings {
  readonly uncontendedIterations: number;
  readonly contendedSeconds: number;
  readonly wakeUpSeconds: number;
}

interface ContenderReport {
  uncontendedP50: number;
  uncontendedP99: number;
  uncontendedCommands: number;
  uncontendedServerCommands: number;
  throughput: number;
  contendedCommands: number;
  jain: number;
  fifoViolations: number;
  wakeUpP50: number;
  wakeUpP99: number;
  lateStarts: number;
}

const PROCESSES = 4;
const CALLERS = 50;
const LIMIT = 10;
const WORK_MS = 10;
/** Time for the child processes to start (tsx) before they all begin at once. */
const START_DELAY_MS = 10_000;
/** FIFO scenario: waiters per process, asking one after the other over all processes, this far apart. */
const FIFO_CALLERS = 10;
const FIFO_SPACING_MS = 20;

async function uncontended(redis: BenchRedis, contender: ContenderName, iterations: number) {
  const semaphore = await openSemaphore({
    contender,
    url: redis.url,
    name: `bench:uncontended:${contender}`,
    limit: 10,
  });
  for (let index = 0; index < 50; index++) await (await semaphore.acquire())();
  const before = await commandCount(redis.url);
  const sentBefore = semaphore.commandsSent();
  const latencies: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const start = performance.now();
    const release = await semaphore.acquire();
    await release();
    latencies.push(performance.now() - start);
  }
  const commands = (semaphore.commandsSent() - sentBefore) / iterations;
  await semaphore.close();
  const serverCommands = ((await commandCount(redis.url)) - before) / iterations;
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), commands, serverCommands };
}

async function runProcesses(
  redis: BenchRedis,
  contender: ContenderName,
  shape: Pick<
    RedisWorkerRequest,
    'processes' | 'callers' | 'limit' | 'workMs' | 'pauseMs' | 'mode' | 'spacingMs'
  > & {
    seconds: number;
    name: string;
    /** Runs while the processes start (e.g. holding a permit until every waiter queued). */
    during?: (startAt: number) => Promise<void>;
  },
): Promise<{ results: RedisWorkerResult[]; commands: number; durationMs: number }> {
  const startAt = Date.now() + START_DELAY_MS;
  const durationMs = shape.seconds * 1000;
  const during = shape.during?.(startAt);
  const results = await Promise.all(
    Array.from({ length: shape.processes }, (_, processIndex) =>
      runInChild<RedisWorkerRequest, RedisWorkerResult>(import.meta.url, 'redis-bench-worker', {
        contender,
        url: redis.url,
        name: `bench:${shape.name}:${contender}`,
        limit: shape.limit,
        callers: shape.callers,
        workMs: shape.workMs,
        pauseMs: shape.pauseMs,
        mode: shape.mode,
        spacingMs: shape.spacingMs,
        processes: shape.processes,
        processIndex,
        startAt,
        endAt: startAt + durationMs,
      }),
    ),
  );
  await during;
  const commands = results.reduce((sum, result) => sum + result.commands, 0);
  return { results, commands, durationMs };
}

async function measureContender(redis: BenchRedis, contender: ContenderName, settings: RedisSettings) {
  const single = await uncontended(redis, contender, settings.uncontendedIterations);
  const contended = await runProcesses(redis, contender, {
    processes: PROCESSES,
    callers: CALLERS,
    limit: LIMIT,
    workMs: WORK_MS,
    pauseMs: 0,
    mode: 'loop',
    spacingMs: 0,
    seconds: settings.contendedSeconds,
    name: 'contended',
  });
  const grantsPerProcess = contended.results.map((result) => result.grants.length);
  const totalGrants = grantsPerProcess.reduce((sum, grants) => sum + grants, 0);
  const wakeUp = await runProcesses(redis, contender, {
    processes: 2,
    callers: 1,
    limit: 1,
    workMs: 20,
    pauseMs: 15,
    mode: 'loop',
    spacingMs: 0,
    seconds: settings.wakeUpSeconds,
    name: 'wake-up',
  });
  const fifo = await runProcesses(redis, contender, {
    processes: PROCESSES,
    callers: FIFO_CALLERS,
    limit: 1,
    workMs: 1,
    pauseMs: 0,
    mode: 'fifo',
    spacingMs: FIFO_SPACING_MS,
    seconds: 0,
    name: 'fifo',
    during: async (startAt) => {
      // Holds the only permit until every waiter has queued, in a known order, then lets them through.
      const holder = await openSemaphore({
        contender,
        url: redis.url,
        name: `bench:fifo:${contender}`,
        limit: 1,
      });
      const release = await holder.acquire();
      const allAsked = startAt + PROCESSES * FIFO_CALLERS * FIFO_SPACING_MS + 100;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, allAsked - Date.now())));
      await release();
      await holder.close();
    },
  });
  const latencies = wakeUpLatencies(wakeUp.results.flatMap((result) => result.events));
  const report: ContenderReport = {
    uncontendedP50: single.p50,
    uncontendedP99: single.p99,
    uncontendedCommands: single.commands,
    uncontendedServerCommands: single.serverCommands,
    throughput: totalGrants / (contended.durationMs / 1000),
    contendedCommands: contended.commands / Math.max(1, totalGrants),
    jain: jainIndex(grantsPerProcess),
    fifoViolations: fifoViolations(fifo.results.flatMap((result) => result.grants)),
    wakeUpP50: percentile(latencies, 0.5),
    wakeUpP99: percentile(latencies, 0.99),
    lateStarts: [...contended.results, ...wakeUp.results].filter((result) => result.lateStart).length,
  };
  return report;
}

/**
 * Redis area: @x/bulkhead-redis against redis-semaphore on the same Redis in the same run: uncontended
 * latency and commands per call, contended throughput (4 processes x 50 callers, limit 10, 10 ms of work),
 * fairness (Jain's index, FIFO violations), and wake-up latency from a release to a grant in another process.
 */
export async function main(options: BenchOptions = {}): Promise<void> {
  const quick = options.quick ?? quickFromArgv();
  const settings: RedisSettings = quick
    ? { uncontendedIterations: 300, contendedSeconds: 2, wakeUpSeconds: 2 }
    : { uncontendedIterations: 3000, contendedSeconds: 6, wakeUpSeconds: 4 };
  console.log(`## redis: @x/bulkhead-redis vs redis-semaphore${quick ? ' (--quick)' : ''}\n`);
  const redis = await startBenchRedis();
  if (redis === undefined) {
    console.log(
      '> skipped: no redis-server binary and nothing answers at REDIS_URL (default redis://127.0.0.1:6379)\n',
    );
    return;
  }
  console.log(`- server: ${redis.description}\n`);
  const reports = new Map<ContenderName, ContenderReport>();
  try {
    for (const contender of CONTENDERS)
      reports.set(contender, await measureContender(redis, contender, settings));
  } finally {
    await redis.stop();
  }
  const ours = reports.get('@x/bulkhead-redis')!;
  const theirs = reports.get('redis-semaphore')!;
  const row = (label: string, format: (report: ContenderReport) => string) => [
    label,
    format(ours),
    format(theirs),
  ];
  console.log(
    formatTable({
      headers: ['measure', '@x/bulkhead-redis', 'redis-semaphore'],
      align: ['left', 'right', 'right'],
      rows: [
        row('uncontended acquire+release p50 (ms)', (report) => report.uncontendedP50.toFixed(3)),
        row('uncontended acquire+release p99 (ms)', (report) => report.uncontendedP99.toFixed(3)),
        row('Redis commands sent per uncontended call', (report) => report.uncontendedCommands.toFixed(2)),
        row('  executed by the server (inside scripts too)', (report) =>
          report.uncontendedServerCommands.toFixed(1),
        ),
        row(`contended throughput (calls/s; ideal ${(LIMIT * 1000) / WORK_MS})`, (report) =>
          report.throughput.toFixed(0),
        ),
        row('Redis commands sent per contended call', (report) => report.contendedCommands.toFixed(1)),
        row("fairness: Jain's index of grants per process", (report) => report.jain.toFixed(3)),
        row(
          `FIFO violations (${PROCESSES * FIFO_CALLERS} waiters queued ${FIFO_SPACING_MS} ms apart from ${PROCESSES} processes)`,
          (report) => String(report.fifoViolations),
        ),
        row('wake-up release -> grant in another process p50 (ms)', (report) => report.wakeUpP50.toFixed(2)),
        row('wake-up p99 (ms)', (report) => report.wakeUpP99.toFixed(2)),
      ],
    }),
  );
  const late = ours.lateStarts + theirs.lateStarts;
  if (late > 0)
    console.log(
      `\n> note: ${late} worker process(es) started late; their first calls began after the others'`,
    );
  const verdicts = [
    [
      `one round trip each way uncontended (${ours.uncontendedCommands.toFixed(2)} commands per call)`,
      ours.uncontendedCommands <= 2.05,
    ],
    [`wake-up p99 within 2 ms (${ours.wakeUpP99.toFixed(2)} ms)`, ours.wakeUpP99 <= 2],
    [
      `at least 2x redis-semaphore's contended throughput (${formatRatio(ours.throughput / theirs.throughput)})`,
      ours.throughput >= 2 * theirs.throughput,
    ],
    [`0 FIFO violations (${ours.fifoViolations})`, ours.fifoViolations === 0],
  ] as const;
  console.log('\n### redis targets\n');
  for (const [label, pass] of verdicts) console.log(`- ${pass ? 'met' : 'MISSED'}: ${label}`);
  console.log('');
}

if (isMainModule(import.meta.url)) await main();
