import type { DemoConfig } from '../config.js';
import type { OperatorAction } from '../run-scenario.js';
import type { AdminServer } from './admin-server.js';
import { resizeThroughAdminApi } from './operator-client.js';

/** Options of `operatorResizes`. */
export interface OperatorResizesOptions {
  config: Pick<DemoConfig, 'healthySeconds' | 'hangSeconds' | 'paymentSize' | 'operatorPaymentSize'>;
  /** The admin API the operator talks to. */
  admin: Pick<AdminServer, 'url' | 'token'>;
}

function resize(
  admin: OperatorResizesOptions['admin'],
  maxConcurrent: number,
  why: string,
): () => Promise<string> {
  return async () => {
    const answer = await resizeThroughAdminApi({
      adminUrl: admin.url,
      token: admin.token,
      compartment: 'payment',
      maxConcurrent,
    });
    if (answer.status !== 200) {
      return `admin API refused the payment resize (${answer.status}${answer.error === undefined ? '' : `: ${answer.error}`})`;
    }
    return `admin API: payment ${answer.previousMaxConcurrent ?? '?'} -> ${answer.maxConcurrent ?? maxConcurrent} (${why})`;
  };
}

/**
 * What the operator does during the PRO run, over HTTP with the bearer token: halfway through the
 * hang, shrink payment (e.g. 16 -> 4) so its hung calls hold fewer connections of the shared pool; when
 * payment has recovered, give it its size back.
 */
export function operatorResizes(options: OperatorResizesOptions): OperatorAction[] {
  const { config, admin } = options;
  const hangStartMs = config.healthySeconds * 1000;
  const recoveredStartMs = hangStartMs + config.hangSeconds * 1000;
  return [
    {
      atMs: hangStartMs + (config.hangSeconds * 1000) / 2,
      run: resize(admin, config.operatorPaymentSize, 'frees the shared pool'),
    },
    { atMs: recoveredStartMs, run: resize(admin, config.paymentSize, 'payment is healthy again') },
  ];
}
