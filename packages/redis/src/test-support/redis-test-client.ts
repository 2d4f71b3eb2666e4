import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { RedisClientLike } from '../redis-client.js';

/** The Redis the tests use: `REDIS_URL`, or the machine's Redis on 127.0.0.1:6379. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A connected node-redis client (its errors are swallowed: tests observe failures through the bulkhead). */
export async function connectClient(url = REDIS_URL): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** A key prefix of its own for one test. */
export function uniquePrefix(): string {
  return `bulkhead-test:${randomUUID()}:`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(client: ReturnType<typeof createClient>, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(keys);
}

/** The client as the bulkhead sees it (checks the structural type fits node-redis). */
export function asClientLike(client: ReturnType<typeof createClient>): RedisClientLike {
  return client;
}
