// A child process of the multi-process tests: one RedisBulkhead on its own client, driven over IPC.
import { createClient } from 'redis';
import { RedisBulkhead } from '../redis-bulkhead.js';
import type { RedisPermit } from '../redis-permit.js';

export type WorkerCommand =
  | { type: 'setup'; url: string; name: string; keyPrefix: string; maxConcurrent: number; leaseTtl: number }
  | { type: 'load'; callers: number; workMs: number; observerKey: string; timeout: number }
  | { type: 'wait'; label: string; timeout: number }
  | { type: 'hold'; count: number }
  | { type: 'release'; label: string }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'loaded'; settled: number; admitted: number; maxObserved: number; errors: string[] }
  | { type: 'queued'; label: string }
  | { type: 'granted'; label: string; token: number | undefined }
  | { type: 'holding'; tokens: Array<number | undefined> }
  | { type: 'closed' };

const send = (reply: WorkerReply): void => {
  process.send?.(reply);
};

let client: ReturnType<typeof createClient> | undefined;
let bulkhead: RedisBulkhead | undefined;
const held = new Map<string, RedisPermit>();

async function load(command: Extract<WorkerCommand, { type: 'load' }>): Promise<void> {
  const active = bulkhead!;
  const redis = client!;
  let maxObserved = 0;
  let admitted = 0;
  const errors: string[] = [];
  const calls = Array.from({ length: command.callers }, () =>
    active
      .execute(
        async () => {
          admitted++;
          const inside = await redis.incr(command.observerKey);
          maxObserved = Math.max(maxObserved, inside);
          await new Promise((resolve) => setTimeout(resolve, command.workMs));
          await redis.decr(command.observerKey);
        },
        { timeout: command.timeout },
      )
      .catch((error: unknown) => {
        errors.push(String(error));
      }),
  );
  await Promise.all(calls);
  send({ type: 'loaded', settled: calls.length, admitted, maxObserved, errors });
}

// A worker never outlives the test that started it (even one that timed out or crashed).
process.on('disconnect', () => process.exit(0));

process.on('message', (command: WorkerCommand) => {
  void (async () => {
    switch (command.type) {
      case 'setup': {
        client = createClient({ url: command.url });
        client.on('error', () => {});
        await client.connect();
        bulkhead = new RedisBulkhead(command.name, {
          client,
          maxConcurrent: command.maxConcurrent,
          leaseTtl: command.leaseTtl,
          keyPrefix: command.keyPrefix,
          commandTimeout: Math.min(2000, command.leaseTtl - 1),
        });
        send({ type: 'ready' });
        return;
      }
      case 'load':
        return load(command);
      case 'wait': {
        const permit = bulkhead!.acquire({ timeout: command.timeout });
        send({ type: 'queued', label: command.label });
        const granted = await permit;
        held.set(command.label, granted);
        send({ type: 'granted', label: command.label, token: granted.fencingToken });
        return;
      }
      case 'hold': {
        const permits = await Promise.all(Array.from({ length: command.count }, () => bulkhead!.acquire()));
        for (const [index, permit] of permits.entries()) held.set(`hold-${index}`, permit);
        send({ type: 'holding', tokens: permits.map((permit) => permit.fencingToken) });
        return;
      }
      case 'release':
        held.get(command.label)?.release();
        held.delete(command.label);
        return;
      case 'close':
        await bulkhead?.close();
        await client?.close();
        send({ type: 'closed' });
        process.exit(0);
        return;
    }
  })();
});
