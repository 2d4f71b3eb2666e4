import { createServer, type Server } from 'node:http';

/** Options of `startPaymentService`. */
export interface PaymentServiceOptions {
  /** Calls it takes at once; past that it collapses (slow and failing). */
  readonly capacity: number;
  readonly latencyMs: number;
}

/** The payment service of the cluster demo, with what it saw. */
export interface PaymentService {
  readonly url: string;
  /** Highest number of calls in flight at once since `resetObservation()`. */
  readonly maxInFlight: number;
  /** `[seconds since reset, highest in flight in that 100 ms]`. */
  readonly samples: ReadonlyArray<readonly [number, number]>;
  /** Resolves once no call is in flight (calls a previous mode abandoned included). */
  whenIdle(): Promise<void>;
  resetObservation(): void;
  close(): Promise<void>;
}

/**
 * A payment provider that can take `capacity` calls at once: within it, a call takes `latencyMs`; beyond it,
 * every call takes longer the more it is overloaded and one in three fails (it collapses).
 */
export async function startPaymentService(options: PaymentServiceOptions): Promise<PaymentService> {
  let inFlight = 0;
  let maxInFlight = 0;
  let bucketMax = 0;
  let startedAt = performance.now();
  let samples: Array<readonly [number, number]> = [];
  const server: Server = createServer((_request, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    bucketMax = Math.max(bucketMax, inFlight);
    const overload = inFlight / options.capacity;
    const collapsed = overload > 1;
    const latency = collapsed ? options.latencyMs * overload ** 3 : options.latencyMs;
    setTimeout(() => {
      inFlight--;
      if (collapsed && Math.random() < 1 / 3) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('payment overloaded');
      } else response.writeHead(200, { 'content-type': 'text/plain' }).end('paid');
    }, latency);
  });
  server.keepAliveTimeout = 30_000;
  const sampler = setInterval(() => {
    samples.push([(performance.now() - startedAt) / 1000, bucketMax]);
    bucketMax = inFlight;
  }, 100);
  sampler.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/pay`,
    get maxInFlight() {
      return maxInFlight;
    },
    get samples() {
      return samples;
    },
    async whenIdle() {
      // Calls of the previous mode that the gateways gave up on still run here (a collapsed service takes
      // seconds); the next mode is measured only once they are gone.
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    resetObservation() {
      maxInFlight = inFlight;
      bucketMax = inFlight;
      startedAt = performance.now();
      samples = [];
    },
    async close() {
      clearInterval(sampler);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
