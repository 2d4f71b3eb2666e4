import { parseArgs } from 'node:util';

/** Settings of `pnpm demo --cluster <n>`. */
export interface ClusterDemoOptions {
  /** Gateway processes sharing the payment compartment. */
  readonly gateways: number;
  /** Calls the payment service takes at once before it collapses. */
  readonly paymentCapacity: number;
  /** Requests per second over all gateways. */
  readonly rate: number;
  /** Seconds of load per mode. */
  readonly seconds: number;
  /** Latency of a healthy payment call, ms. */
  readonly paymentLatencyMs: number;
  readonly redisUrl: string;
  readonly outputPath: string;
}

export const CLUSTER_DEFAULTS: ClusterDemoOptions = Object.freeze({
  gateways: 3,
  paymentCapacity: 16,
  rate: 200,
  seconds: 8,
  paymentLatencyMs: 200,
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  outputPath: 'demo-cluster-report.html',
});

/** True when the command line asks for the cluster demo. */
export function clusterDemoRequested(argv: readonly string[]): boolean {
  return argv.some((argument) => argument === '--cluster' || argument.startsWith('--cluster='));
}

function positive(flag: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new TypeError(`--${flag} must be ${integer ? 'an integer' : 'a number'}, got "${raw}"`);
  }
  if (value <= 0) throw new RangeError(`--${flag} must be > 0, got ${value}`);
  return value;
}

/**
 * Parses `--cluster <n>` and the cluster demo's own flags (`--rate`, `--seconds`, `--redis-url`, `--output`).
 * @throws {TypeError | RangeError} naming the flag.
 */
export function parseClusterOptions(argv: readonly string[]): ClusterDemoOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      cluster: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      'payment-latency': { type: 'string' },
      'redis-url': { type: 'string' },
      output: { type: 'string' },
      quick: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const gateways = positive('cluster', values.cluster, CLUSTER_DEFAULTS.gateways, true);
  if (gateways < 2) throw new RangeError(`--cluster must be >= 2 gateway processes, got ${gateways}`);
  return {
    ...CLUSTER_DEFAULTS,
    gateways,
    rate: positive('rate', values.rate, CLUSTER_DEFAULTS.rate, false),
    seconds: positive('seconds', values.seconds, values.quick === true ? 4 : CLUSTER_DEFAULTS.seconds, false),
    paymentLatencyMs: positive(
      'payment-latency',
      values['payment-latency'],
      CLUSTER_DEFAULTS.paymentLatencyMs,
      false,
    ),
    redisUrl: values['redis-url'] ?? CLUSTER_DEFAULTS.redisUrl,
    outputPath: values.output ?? CLUSTER_DEFAULTS.outputPath,
  };
}

/** `pnpm demo --cluster --help`. */
export const CLUSTER_HELP = [
  'Usage: pnpm demo --cluster <n> [options]',
  '',
  'n gateway processes (default 3) behind one load generator, in front of a payment service that takes 16 calls',
  'at once: first with per-process bulkheads of 16 (the service sees up to n x 16 and collapses), then sharing',
  'one RedisBulkhead of 16 (it never sees more than 16). Needs Redis (REDIS_URL, default redis://127.0.0.1:6379).',
  '',
  'Options:',
  `  --rate <n>                  requests/s over all gateways (default ${CLUSTER_DEFAULTS.rate})`,
  `  --seconds <n>               seconds of load per mode (default ${CLUSTER_DEFAULTS.seconds}; --quick: 4)`,
  `  --payment-latency <n>       healthy payment latency, ms (default ${CLUSTER_DEFAULTS.paymentLatencyMs})`,
  '  --redis-url <url>           Redis to share the compartment through (default REDIS_URL)',
  `  --output <path>             HTML report path (default ${CLUSTER_DEFAULTS.outputPath})`,
].join('\n');
