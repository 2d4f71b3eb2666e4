import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ComposedPolicy } from '@x/bulkhead-pro/compose';
import type { DemoConfig } from '../config.js';

/** The knobs the gateway reads. */
export type GatewayConfig = Pick<
  DemoConfig,
  | 'paymentSize'
  | 'userSize'
  | 'inventorySize'
  | 'queueSize'
  | 'queueTimeoutMs'
  | 'cpuWorkers'
  | 'cpuIterations'
  | 'poolSize'
  | 'downstreamTimeoutMs'
>;

/** The `/api/<route>` handlers of one mode. */
export interface GatewayRoutes {
  /** Handler per route name (`payment`, `user`, `inventory`, `cpu`). */
  readonly routes: ReadonlyMap<string, (request: IncomingMessage, response: ServerResponse) => void>;
  /** Composed policies (PRO payment route), for `/bulkheads` and the report. */
  readonly policies?: readonly ComposedPolicy[];
  /** Releases what the routes hold (compartments, workers). */
  close(): Promise<void>;
}
