import type { ProBulkheadRegistry } from '@x/bulkhead-pro';
import type { DemoConfig } from '../config.js';
import type { ProRoutesOptions } from '../gateway/isolated-routes.js';
import type { OperatorAction } from '../run-scenario.js';
import { type AdminServer, startAdminServer } from './admin-server.js';
import { operatorResizes } from './operator-actions.js';

/** What the PRO run adds to the demo: routes on the PRO registry, the admin API and the operator. */
export interface ProSide {
  /** For `startDemoEnvironment({ pro })`. */
  readonly routes: ProRoutesOptions;
  readonly admin: AdminServer;
  /** The operator's resizes through the admin API. */
  readonly operatorActions: readonly OperatorAction[];
  /** Stops the admin API. */
  close(): Promise<void>;
}

/** Options of `startProSide`. */
export interface ProSideOptions {
  config: DemoConfig;
  /** The PRO registry `init()` installed. */
  registry: ProBulkheadRegistry;
  /** Where the admin API's address, token and a curl example go. */
  log: (line: string) => void;
}

/**
 * Serves PRO's admin API on 127.0.0.1 with a random bearer token (printed, as an operator needs it)
 * and prepares the operator's resizes of the payment compartment.
 * @throws the admin server's listen error.
 */
export async function startProSide(options: ProSideOptions): Promise<ProSide> {
  const { config, registry, log } = options;
  const admin = await startAdminServer({ registry });
  log(`Admin API (PRO) on ${admin.url}, bearer token ${admin.token}`);
  log(
    `  resize by hand: curl -X PATCH ${admin.url}/payment -H 'authorization: Bearer ${admin.token}' -d '{"maxConcurrent":8}'`,
  );
  return {
    routes: { registry, breakerResetMs: config.breakerResetMs },
    admin,
    operatorActions: operatorResizes({ config, admin }),
    close: () => admin.close(),
  };
}
