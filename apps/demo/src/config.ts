/** Names of the gateway routes the load generator drives. */
export type RouteName = 'payment' | 'user' | 'inventory' | 'cpu';

/** Names of the downstream services behind the gateway. */
export type DownstreamName = 'payment' | 'user' | 'inventory';

/** Every route, in report order. */
export const ROUTE_NAMES: readonly RouteName[] = ['payment', 'user', 'inventory', 'cpu'];

/** Every downstream service, in report order. */
export const DOWNSTREAM_NAMES: readonly DownstreamName[] = ['payment', 'user', 'inventory'];

/** The three phases of the scenario. */
export type PhaseName = 'healthy' | 'hang' | 'recovered';

/** Every phase, in scenario order. */
export const PHASE_NAMES: readonly PhaseName[] = ['healthy', 'hang', 'recovered'];

/** Whether the gateway isolates its dependencies. */
export type GatewayMode = 'bulkheads' | 'shared';

/** Every knob of the demo; `pnpm demo --help` documents each one. */
export interface DemoConfig {
  /** Seconds of the all-healthy phase. */
  healthySeconds: number;
  /** Seconds during which payment hangs. */
  hangSeconds: number;
  /** Seconds after payment recovered. */
  recoveredSeconds: number;
  /** Latency of every healthy downstream call, in ms. */
  baseLatencyMs: number;
  /** Random extra latency added to each downstream call, 0..jitter ms. */
  jitterMs: number;
  /** Latency of payment while it hangs, in ms. */
  hangLatencyMs: number;
  /** Requests per second sent to each of payment, user and inventory. */
  rate: number;
  /** Requests per second sent to the CPU-heavy route. */
  cpuRate: number;
  /** Iterations of the CPU-heavy task (about 1 ms per 500 000 on a laptop core). */
  cpuIterations: number;
  /** Concurrent calls admitted by the payment compartment. */
  paymentSize: number;
  /** Concurrent calls admitted by the user compartment. */
  userSize: number;
  /** Concurrent calls admitted by the inventory compartment. */
  inventorySize: number;
  /** Waiters allowed in each downstream compartment's queue. */
  queueSize: number;
  /** How long a call may wait in a compartment queue before a 503, in ms. */
  queueTimeoutMs: number;
  /** Worker threads of the CPU compartment. */
  cpuWorkers: number;
  /** Connections of the gateway's one undici pool, shared by every downstream. */
  poolSize: number;
  /** Gateway timeout of one downstream call, pool wait included, in ms. */
  downstreamTimeoutMs: number;
  /** Load generator timeout of one request, in ms. */
  clientTimeoutMs: number;
  /** Hard bound on requests the load generator sends in one run. */
  maxRequests: number;
  /** Gateway port on 127.0.0.1 (0: any free port). */
  port: number;
  /** Path of the HTML report. */
  outputPath: string;
  /** Which runs to perform. */
  modes: readonly GatewayMode[];
  /**
   * Run the with-bulkheads side on PRO (`--pro`, or `BULKHEAD_LICENSE_KEY` set): PRO registry from a
   * settings file, admin API, an operator resize, the breaker composer on payment.
   */
  pro: boolean;
  /** Payment compartment size the operator sets through the admin API halfway through the hang (PRO). */
  operatorPaymentSize: number;
  /** Milliseconds the payment breaker stays open before a half-open trial (PRO). */
  breakerResetMs: number;
  /** Longest wait for in-flight calls when Ctrl-C or SIGTERM drains the demo, in ms. */
  drainTimeoutMs: number;
  /** Seconds of the adaptive-limit phase (user service at a quarter of its capacity in its middle half); 0 skips it. */
  adaptiveSeconds: number;
  /** Calls per second to each user service copy during the adaptive phase. */
  adaptiveRate: number;
  /** Healthy capacity of the user service in the adaptive phase (requests at once), also the fixed limit. */
  userCapacity: number;
  /** Seconds of the batch-flood phase (live traffic alone for its first quarter, then the flood); 0 skips it. */
  floodSeconds: number;
  /** Batch-flood phase: workers of the batch job, each calling again as soon as its call returns. */
  floodWorkers: number;
  /** Batch-flood phase: live calls per second to the reports database, per side. */
  liveRate: number;
}

/** Defaults of the full demo (about 90 seconds). */
export const DEFAULT_CONFIG: Readonly<DemoConfig> = Object.freeze<DemoConfig>({
  healthySeconds: 10,
  hangSeconds: 20,
  recoveredSeconds: 10,
  baseLatencyMs: 50,
  jitterMs: 10,
  hangLatencyMs: 10_000,
  rate: 40,
  cpuRate: 10,
  cpuIterations: 10_000_000,
  paymentSize: 16,
  userSize: 16,
  inventorySize: 16,
  queueSize: 8,
  queueTimeoutMs: 50,
  cpuWorkers: 2,
  poolSize: 64,
  downstreamTimeoutMs: 5_000,
  clientTimeoutMs: 10_000,
  maxRequests: 50_000,
  port: 3000,
  outputPath: 'demo-report.html',
  modes: ['bulkheads', 'shared'],
  pro: false,
  operatorPaymentSize: 4,
  breakerResetMs: 2_000,
  drainTimeoutMs: 10_000,
  adaptiveSeconds: 30,
  adaptiveRate: 200,
  userCapacity: 40,
  floodSeconds: 12,
  floodWorkers: 100,
  liveRate: 100,
});

/** What `--quick` changes: the same story in about 20 seconds. */
export const QUICK_OVERRIDES: Readonly<Partial<DemoConfig>> = Object.freeze({
  healthySeconds: 3,
  hangSeconds: 5,
  recoveredSeconds: 3,
  hangLatencyMs: 4_000,
  downstreamTimeoutMs: 2_000,
  clientTimeoutMs: 4_000,
  adaptiveSeconds: 12,
  floodSeconds: 6,
});
