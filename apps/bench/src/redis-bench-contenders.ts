// The two distributed semaphores the redis area compares, behind one small interface: @x/bulkhead-redis on
// node-redis, and redis-semaphore on ioredis (its client), both on the same Redis server.
import { RedisBulkhead } from '@x/bulkhead-redis';
import { Redis as IoRedis } from 'ioredis';
import { createClient } from 'redis';
import { Semaphore } from 'redis-semaphore';

/** Name of a contender in the tables. */
export type ContenderName = '@x/bulkhead-redis' | 'redis-semaphore';

export const CONTENDERS: readonly ContenderName[] = ['@x/bulkhead-redis', 'redis-semaphore'];

/** A connected semaphore of one process: `acquire` resolves to the release function. */
export interface DistributedSemaphore {
  acquire(): Promise<() => Promise<void> | void>;
  /** Commands this process's client sent to Redis so far (round trips; pipelining aside). */
  commandsSent(): number;
  close(): Promise<void>;
}

/** Options of `openSemaphore`. */
export interface OpenSemaphoreOptions {
  readonly contender: ContenderName;
  readonly url: string;
  /** Compartment / key name (both contenders on their own key). */
  readonly name: string;
  readonly limit: number;
}

/** Connects `contender` to Redis at `url`, with its waiting set to up to 60 s. */
export async function openSemaphore(options: OpenSemaphoreOptions): Promise<DistributedSemaphore> {
  if (options.contender === '@x/bulkhead-redis') {
    const client = createClient({ url: options.url });
    client.on('error', () => {});
    await client.connect();
    let sent = 0;
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((...args: Parameters<typeof send>) => {
      sent++;
      return send(...args);
    }) as typeof client.sendCommand;
    const bulkhead = new RedisBulkhead(options.name, {
      client,
      maxConcurrent: options.limit,
      leaseTtl: 10_000,
    });
    return {
      async acquire() {
        const permit = await bulkhead.acquire({ timeout: 60_000 });
        return () => permit.release();
      },
      commandsSent: () => sent,
      async close() {
        await bulkhead.close();
        await client.close();
      },
    };
  }
  const client = new IoRedis(options.url, { lazyConnect: true });
  client.on('error', () => {});
  await client.connect();
  let sent = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<typeof send>) => {
    sent++;
    return send(...args);
  }) as typeof client.sendCommand;
  return {
    commandsSent: () => sent,
    async acquire() {
      // One Semaphore object per acquisition (its lock identifier); its documented defaults poll every 10 ms.
      const semaphore = new Semaphore(client, options.name, options.limit, {
        acquireTimeout: 60_000,
        lockTimeout: 10_000,
        retryInterval: 10,
      });
      await semaphore.acquire();
      return () => semaphore.release();
    },
    async close() {
      await client.quit();
    },
  };
}
