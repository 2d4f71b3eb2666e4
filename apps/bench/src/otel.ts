/**
 * Cost per protected call of the @x/bulkhead-otel adapters.
 *
 * Each scenario has its own SemaphoreBulkhead (limit 1000); a sample is 1000 `execute()` calls in
 * concurrent batches (100 in phase 1, 10 per request span in phase 2) that all take the fast path. Time is process CPU time (mitata with a
 * `process.cpuUsage()` clock), so other processes competing for the cores do not inflate it.
 * Scenarios are measured in interleaved rounds and the median of the rounds is reported.
 * Phase 1 has no OpenTelemetry SDK (and no context manager); phase 2 registers an
 * AsyncLocalStorage context manager and uses real SDK providers, so it has its own baseline.
 *
 * Run: node --expose-gc --import tsx apps/bench/src/otel.ts [--quick]
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, type ContextManager, context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { instrumentBulkheads, registerBulkheadOtelMetrics } from '@x/bulkhead-otel/opentelemetry';
import { registerBulkheadMetrics } from '@x/bulkhead-otel/prometheus';
import { measure } from 'mitata';
import { Counter, Histogram, Registry } from 'prom-client';
import { type BenchOptions, quickFromArgv } from './bench-options.js';
import { isMainModule } from './is-main-module.js';

const BATCH = 100;
const CALLS_PER_SAMPLE = 1000;
/** Phase 2: calls per request span (an SDK span keeps at most 128 events, then shifts its array). */
const REQUEST_BATCH = 10;
const FULL = { rounds: 5, minCpuTimeNs: 200e6 };
const QUICK = { rounds: 1, minCpuTimeNs: 30e6 };

/** Process CPU time in ns: unlike wall time it does not count the time other processes hold the cores. */
function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

interface Scenario {
  readonly name: string;
  readonly run: () => Promise<unknown>;
  readonly samples: number[];
}

function scenario(
  name: string,
  bulkhead: SemaphoreBulkhead,
  perBatch?: { size: number; wrap: (fn: () => Promise<unknown>) => Promise<unknown> },
): Scenario {
  const task = () => 1;
  const size = perBatch?.size ?? BATCH;
  const batch = () => {
    const calls: Array<Promise<number>> = [];
    for (let index = 0; index < size; index++) calls.push(bulkhead.execute(task));
    return Promise.all(calls);
  };
  const wrappedBatch = perBatch === undefined ? batch : () => perBatch.wrap(batch);
  const run = async () => {
    for (let calls = 0; calls < CALLS_PER_SAMPLE; calls += size) await wrappedBatch();
  };
  return { name, run, samples: [] };
}

function bulkhead(name: string): SemaphoreBulkhead {
  return new SemaphoreBulkhead(name, { maxConcurrent: 1000 });
}

async function measureRounds(
  scenarios: readonly Scenario[],
  settings: { rounds: number; minCpuTimeNs: number },
): Promise<void> {
  for (let round = 0; round < settings.rounds; round++) {
    for (const current of scenarios) {
      const stats = await measure(current.run, { min_cpu_time: settings.minCpuTimeNs, now: cpuNow });
      current.samples.push(stats.avg / CALLS_PER_SAMPLE);
    }
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function table(title: string, scenarios: readonly Scenario[]): string {
  const baseline = median((scenarios[0] as Scenario).samples);
  const rows = scenarios.map((current) => {
    const value = median(current.samples);
    const spread = `${Math.min(...current.samples).toFixed(0)}–${Math.max(...current.samples).toFixed(0)}`;
    const delta = value - baseline;
    return `| ${current.name} | ${value.toFixed(1)} | ${spread} | ${delta >= 0 ? '+' : ''}${delta.toFixed(1)} | ${(value / baseline).toFixed(2)}x |`;
  });
  return [
    `### ${title}`,
    '',
    '| scenario | CPU ns/call (median of rounds) | range of rounds | Δ vs baseline (ns) | ratio |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** Minimal AsyncLocalStorage context manager, as @opentelemetry/context-async-hooks provides. */
class AsyncLocalStorageContexts implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    contextValue: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(contextValue, () => fn.apply(thisArg, args));
  }
  bind<T>(contextValue: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(contextValue, () => (target as (...inner: unknown[]) => unknown).apply(this, args));
    } as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

const discardingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
};

/** Runs the benchmark and prints the tables; `quick` measures one short round. */
export async function main(options: BenchOptions = {}): Promise<void> {
  const settings = options.quick === true ? QUICK : FULL;
  // Phase 1: no SDK anywhere.
  const naiveRegistry = new Registry();
  const naiveCalls = new Counter({
    name: 'naive_calls_total',
    help: 'x',
    labelNames: ['bulkhead', 'type', 'outcome'],
    registers: [naiveRegistry],
  });
  const naiveWait = new Histogram({
    name: 'naive_wait_seconds',
    help: 'x',
    labelNames: ['bulkhead', 'type'],
    registers: [naiveRegistry],
  });
  const naiveDuration = new Histogram({
    name: 'naive_duration_seconds',
    help: 'x',
    labelNames: ['bulkhead', 'type'],
    registers: [naiveRegistry],
  });
  const naive = bulkhead('naive');
  naive.on('finished', (event) => {
    const labels = { bulkhead: event.bulkheadName, type: event.bulkheadType };
    naiveCalls.inc({ ...labels, outcome: event.outcome });
    naiveWait.observe(labels, event.waitTime / 1000);
    naiveDuration.observe(labels, event.duration / 1000);
  });
  naive.on('rejected', () => naiveCalls.inc({ bulkhead: 'naive', type: 'semaphore', outcome: 'rejected' }));

  const prometheus = bulkhead('prometheus');
  const promRegistry = new Registry();
  registerBulkheadMetrics({ registry: promRegistry, source: [prometheus] });

  const apiOnly = bulkhead('api-only');
  const apiMetrics = registerBulkheadOtelMetrics({ source: [apiOnly] });
  const apiTracing = instrumentBulkheads({ source: [apiOnly], mode: 'child-span' });

  const listenerOnly = bulkhead('listener-only');
  listenerOnly.on('finished', () => {});
  listenerOnly.on('rejected', () => {});

  const phaseOne = [
    scenario('no adapter (baseline)', bulkhead('baseline')),
    scenario('OTel API, no SDK (metrics + tracing registered)', apiOnly),
    scenario('core with an empty finished/rejected listener', listenerOnly),
    scenario('Prometheus adapter', prometheus),
    scenario('naive prom-client inc/observe per call', naive),
  ];
  await measureRounds(phaseOne, settings);
  if (apiMetrics.enabled) throw new Error('phase 1 must run without an OpenTelemetry SDK');
  apiMetrics.unregister();
  apiTracing.unregister();
  // Keep the scrape honest: the aggregated numbers reach prom-client.
  if (
    !(await promRegistry.metrics()).includes(
      'bulkhead_calls_total{bulkhead="prometheus",type="semaphore",outcome="success"}',
    )
  ) {
    throw new Error('Prometheus adapter did not count the calls');
  }

  // Phase 2: real SDK providers and an AsyncLocalStorage context manager.
  context.setGlobalContextManager(new AsyncLocalStorageContexts());
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor(discardingExporter, { maxQueueSize: 65_536, maxExportBatchSize: 4096 }),
    ],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const meter = meterProvider.getMeter('bench');
  const tracer = tracerProvider.getTracer('bench');

  const sdkMetrics = bulkhead('sdk-metrics');
  registerBulkheadOtelMetrics({ meter, source: [sdkMetrics] });
  const sdkCounters = bulkhead('sdk-counters');
  registerBulkheadOtelMetrics({ meter, source: [sdkCounters], histograms: false });
  const sdkActiveSpan = bulkhead('sdk-active-span');
  registerBulkheadOtelMetrics({ meter, source: [sdkActiveSpan] });
  instrumentBulkheads({ source: [sdkActiveSpan], tracer, mode: 'active-span' });
  const sdkChildSpan = bulkhead('sdk-child-span');
  registerBulkheadOtelMetrics({ meter, source: [sdkChildSpan] });
  instrumentBulkheads({ source: [sdkChildSpan], tracer, mode: 'child-span' });
  const inRequestSpanWrap = (fn: () => Promise<unknown>) =>
    tracer.startActiveSpan('request', async (span) => {
      try {
        return await fn();
      } finally {
        span.end();
      }
    });

  const inRequestSpan = { size: REQUEST_BATCH, wrap: inRequestSpanWrap };
  const phaseTwo = [
    scenario('no adapter (baseline, inside a request span)', bulkhead('baseline-2'), inRequestSpan),
    scenario('OTel SDK metrics, histograms: false', sdkCounters, inRequestSpan),
    scenario('OTel SDK metrics', sdkMetrics, inRequestSpan),
    scenario('OTel SDK metrics + tracing, active-span mode', sdkActiveSpan, inRequestSpan),
    scenario('OTel SDK metrics + tracing, child-span mode', sdkChildSpan, inRequestSpan),
  ];
  await measureRounds(phaseTwo, settings);
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
  trace.disable();
  context.disable();

  console.log(
    `## @x/bulkhead-otel: CPU cost per protected call (Node ${process.versions.node}, ${CALLS_PER_SAMPLE} fast-path calls per sample in concurrent batches of ${BATCH}, ${settings.rounds} interleaved rounds)\n`,
  );
  console.log(table('Phase 1: no OpenTelemetry SDK registered', phaseOne));
  console.log('');
  console.log(
    table(
      'Phase 2: OpenTelemetry SDK + AsyncLocalStorage context manager (BatchSpanProcessor, one request span per 10 concurrent calls)',
      phaseTwo,
    ),
  );
}

if (isMainModule(import.meta.url)) {
  await main({ quick: quickFromArgv() });
}
