import { parseArgs } from 'node:util';
import { ADAPTIVE_NUMERIC_OPTIONS } from '../adaptive/adaptive-options.js';
import { FLOOD_NUMERIC_OPTIONS } from '../batch-flood/flood-options.js';
import { DEFAULT_CONFIG, type DemoConfig, type GatewayMode, QUICK_OVERRIDES } from '../config.js';

/** What the command line asked for. */
export type CliRequest = { readonly kind: 'help' } | { readonly kind: 'run'; readonly config: DemoConfig };

/** A `--flag <n>` option setting one numeric knob. */
export interface NumericOption {
  readonly flag: string;
  readonly key: keyof DemoConfig;
  readonly help: string;
  readonly integer: boolean;
  readonly min: number;
}

const NUMERIC_OPTIONS: readonly NumericOption[] = [
  {
    flag: 'healthy-seconds',
    key: 'healthySeconds',
    help: 'length of the all-healthy phase',
    integer: false,
    min: 0.5,
  },
  { flag: 'hang-seconds', key: 'hangSeconds', help: 'how long payment hangs', integer: false, min: 0.5 },
  {
    flag: 'recovered-seconds',
    key: 'recoveredSeconds',
    help: 'length of the phase after recovery',
    integer: false,
    min: 0.5,
  },
  {
    flag: 'base-latency',
    key: 'baseLatencyMs',
    help: 'latency of a healthy downstream call, ms',
    integer: false,
    min: 0,
  },
  {
    flag: 'jitter',
    key: 'jitterMs',
    help: 'random extra downstream latency, 0..N ms',
    integer: false,
    min: 0,
  },
  {
    flag: 'hang-latency',
    key: 'hangLatencyMs',
    help: 'payment latency while it hangs, ms',
    integer: false,
    min: 0,
  },
  {
    flag: 'rate',
    key: 'rate',
    help: 'requests/s to each of payment, user, inventory',
    integer: false,
    min: 0.1,
  },
  {
    flag: 'cpu-rate',
    key: 'cpuRate',
    help: 'requests/s to the CPU-heavy route (0: none)',
    integer: false,
    min: 0,
  },
  {
    flag: 'cpu-iterations',
    key: 'cpuIterations',
    help: 'work per CPU task (~500 000 per ms)',
    integer: true,
    min: 1,
  },
  {
    flag: 'payment-size',
    key: 'paymentSize',
    help: 'concurrent calls of the payment compartment',
    integer: true,
    min: 1,
  },
  {
    flag: 'user-size',
    key: 'userSize',
    help: 'concurrent calls of the user compartment',
    integer: true,
    min: 1,
  },
  {
    flag: 'inventory-size',
    key: 'inventorySize',
    help: 'concurrent calls of the inventory compartment',
    integer: true,
    min: 1,
  },
  { flag: 'queue-size', key: 'queueSize', help: 'waiters per compartment queue', integer: true, min: 0 },
  {
    flag: 'queue-timeout',
    key: 'queueTimeoutMs',
    help: 'longest wait in a compartment queue before 503, ms',
    integer: false,
    min: 0,
  },
  {
    flag: 'cpu-workers',
    key: 'cpuWorkers',
    help: 'worker threads of the CPU compartment',
    integer: true,
    min: 1,
  },
  {
    flag: 'pool-size',
    key: 'poolSize',
    help: 'connections of the one shared undici Pool',
    integer: true,
    min: 1,
  },
  {
    flag: 'downstream-timeout',
    key: 'downstreamTimeoutMs',
    help: 'gateway timeout per downstream call, ms',
    integer: false,
    min: 1,
  },
  {
    flag: 'client-timeout',
    key: 'clientTimeoutMs',
    help: 'load generator timeout per request, ms',
    integer: false,
    min: 1,
  },
  { flag: 'max-requests', key: 'maxRequests', help: 'hard bound on requests per run', integer: true, min: 1 },
  { flag: 'port', key: 'port', help: 'gateway port on 127.0.0.1 (0: any free port)', integer: true, min: 0 },
  {
    flag: 'operator-payment-size',
    key: 'operatorPaymentSize',
    help: 'PRO: payment size the operator sets mid-hang via the admin API',
    integer: true,
    min: 1,
  },
  {
    flag: 'breaker-reset',
    key: 'breakerResetMs',
    help: 'PRO: ms the payment breaker stays open before a trial call',
    integer: false,
    min: 1,
  },
  {
    flag: 'drain-timeout',
    key: 'drainTimeoutMs',
    help: 'Ctrl-C/SIGTERM: longest wait for in-flight calls, ms',
    integer: false,
    min: 0,
  },
  ...ADAPTIVE_NUMERIC_OPTIONS,
  ...FLOOD_NUMERIC_OPTIONS,
];

interface SwitchOption {
  readonly flag: string;
  readonly help: string;
  /** Applied after the defaults and `--quick`, before the numeric options. */
  readonly apply: (config: DemoConfig) => void;
}

/** On/off flags; add new ones (e.g. a cluster mode) here. */
const SWITCH_OPTIONS: readonly SwitchOption[] = [
  {
    flag: 'pro',
    help: 'run the with-bulkheads side on PRO (also when BULKHEAD_LICENSE_KEY is set)',
    apply: (config) => {
      config.pro = true;
    },
  },
];

/** The `--help` text, with every knob and its default. */
export function helpText(): string {
  const lines = [
    'Usage: pnpm demo [options]',
    '',
    'Runs the bulkhead demo on 127.0.0.1: payment, user and inventory services, a gateway, and a load',
    'generator driving the scenario  healthy -> payment hangs -> payment recovers,  once with bulkheads',
    'and once without. Prints a table per route and phase and writes an HTML report.',
    'Then the adaptive-limit phase: the user service drops to a quarter of its capacity, adaptive vs fixed limit.',
    'Then the batch-flood phase: a batch job floods the database live calls need, plain vs partitioned compartment.',
    'While it runs: <gateway>/dashboard (live), /bulkheads (states JSON), /metrics (Prometheus text).',
    '',
    'Options:',
  ];
  for (const option of NUMERIC_OPTIONS) {
    const flag = `  --${option.flag} <n>`.padEnd(30);
    lines.push(`${flag}${option.help} (default ${String(DEFAULT_CONFIG[option.key])})`);
  }
  lines.push(
    `${'  --output <path>'.padEnd(30)}HTML report path (default ${DEFAULT_CONFIG.outputPath})`,
    `${'  --only <mode>'.padEnd(30)}run only "bulkheads" or only "shared" (without bulkheads)`,
    ...SWITCH_OPTIONS.map((option) => `${`  --${option.flag}`.padEnd(30)}${option.help}`),
    `${'  --quick'.padEnd(30)}the same story in ~45 s: phases 3/5/3 s, payment hangs 4 s, timeouts 2/4 s, adaptive 12 s, flood 6 s`,
    `${'  -h, --help'.padEnd(30)}show this help`,
    '',
    'Explicit options win over --quick.',
  );
  return lines.join('\n');
}

function parseNumber(option: NumericOption, raw: string): number {
  const value = Number(raw);
  const kind = option.integer ? 'an integer' : 'a number';
  if (raw.trim() === '' || !Number.isFinite(value) || (option.integer && !Number.isInteger(value))) {
    throw new TypeError(`--${option.flag} must be ${kind}, got "${raw}"`);
  }
  if (value < option.min) throw new RangeError(`--${option.flag} must be >= ${option.min}, got ${value}`);
  return value;
}

/**
 * Turns command-line arguments into a `DemoConfig` (defaults, then `--quick`, then explicit options).
 * @throws {TypeError | RangeError} naming the flag for an unknown flag or an invalid value.
 */
export function parseCliOptions(argv: readonly string[]): CliRequest {
  const stringOptions = Object.fromEntries(
    NUMERIC_OPTIONS.map((option) => [option.flag, { type: 'string' as const }]),
  );
  const switchOptions = Object.fromEntries(
    SWITCH_OPTIONS.map((option) => [option.flag, { type: 'boolean' as const }]),
  );
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...stringOptions,
      ...switchOptions,
      output: { type: 'string' },
      only: { type: 'string' },
      quick: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return { kind: 'help' };
  const config: DemoConfig = { ...DEFAULT_CONFIG, ...(values.quick === true ? QUICK_OVERRIDES : {}) };
  const record = values as Record<string, string | boolean | undefined>;
  for (const option of SWITCH_OPTIONS) if (record[option.flag] === true) option.apply(config);
  for (const option of NUMERIC_OPTIONS) {
    const raw = record[option.flag];
    if (typeof raw === 'string') Object.assign(config, { [option.key]: parseNumber(option, raw) });
  }
  if (typeof values.output === 'string') {
    if (values.output.trim() === '') throw new TypeError('--output must be a non-empty path');
    config.outputPath = values.output;
  }
  if (typeof values.only === 'string') {
    if (values.only !== 'bulkheads' && values.only !== 'shared') {
      throw new RangeError(`--only must be "bulkheads" or "shared", got "${values.only}"`);
    }
    config.modes = [values.only as GatewayMode];
  }
  return { kind: 'run', config };
}
