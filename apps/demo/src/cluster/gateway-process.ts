// One gateway process of the cluster demo (started by `startGateways`): GET /pay goes through the payment
// compartment, a per-process SemaphoreBulkhead or the shared RedisBulkhead, to the payment service.
import { createServer } from 'node:http';
import { BulkheadError, SemaphoreBulkhead } from '@x/bulkhead-core';
import { RedisBulkhead } from '@x/bulkhead-redis';
import { createClient } from 'redis';

/** What a gateway process is started with (JSON in argv[2]). */
export interface GatewayProcessRequest {
  readonly mode: 'per-process' | 'redis';
  readonly paymentUrl: string;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  /** The payment compartment's limit: per process, or over the cluster with Redis. */
  readonly maxConcurrent: number;
}

const request = JSON.parse(process.argv[2] ?? '{}') as GatewayProcessRequest;
const QUEUE_TIMEOUT_MS = 1000;

const client = request.mode === 'redis' ? createClient({ url: request.redisUrl }) : undefined;
client?.on('error', () => {});
await client?.connect();
const payment =
  client === undefined
    ? new SemaphoreBulkhead('payment', { maxConcurrent: request.maxConcurrent, maxQueue: 50 })
    : new RedisBulkhead('payment', {
        client,
        maxConcurrent: request.maxConcurrent,
        maxQueue: 150,
        keyPrefix: request.keyPrefix,
        leaseTtl: 5000,
        commandTimeout: 1000,
      });

const server = createServer((_incoming, response) => {
  payment
    .execute(
      async ({ signal }) => {
        const answer = await fetch(request.paymentUrl, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]),
        });
        await answer.text();
        return answer.status;
      },
      { timeout: QUEUE_TIMEOUT_MS },
    )
    .then(
      (status) => response.writeHead(status === 200 ? 200 : 502).end(),
      (error: unknown) => response.writeHead(BulkheadError.isInstance(error) ? 503 : 502).end(),
    );
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address !== null ? address.port : 0 });
});

// A gateway never outlives the demo that started it.
process.on('disconnect', () => process.exit(0));
process.on('message', () => {
  void (async () => {
    server.closeAllConnections();
    server.close();
    await payment.close();
    if (client?.isOpen) await client.close();
    process.exit(0);
  })();
});
