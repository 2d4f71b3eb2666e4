import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBulkhead } from './redis-bulkhead.js';
import { connectClient } from './test-support/redis-test-client.js';

type Client = Awaited<ReturnType<typeof connectClient>>;

describe('RedisBulkhead options', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connectClient();
  });
  afterAll(async () => {
    await client.close();
  });

  const build = (options: Record<string, unknown>) => () =>
    new RedisBulkhead('orders', { client, maxConcurrent: 2, ...options } as never);

  it.each([
    [{ maxConcurrent: 0 }, RangeError, 'options.maxConcurrent must be >= 1'],
    [{ maxConcurrent: 1.5 }, RangeError, 'options.maxConcurrent must be an integer'],
    [{ maxConcurrent: undefined }, TypeError, 'options.maxConcurrent must be a number'],
    [{ maxQueue: -1 }, RangeError, 'options.maxQueue must be >= 0'],
    [{ leaseTtl: 10 }, RangeError, 'options.leaseTtl must be >= 30'],
    [
      { leaseTtl: 200, commandTimeout: 300 },
      RangeError,
      'options.leaseTtl must be greater than commandTimeout',
    ],
    [{ commandTimeout: 0 }, RangeError, 'options.commandTimeout must be >= 1'],
    [{ onUnavailable: 'retry' }, TypeError, 'options.onUnavailable must be one of reject, local, allow'],
    [{ onUnavailable: 'local' }, TypeError, 'options.localFallback is required'],
    [{ localFallback: { maxConcurrent: 1 } }, TypeError, 'options.localFallback is only used'],
    [
      { onUnavailable: 'local', localFallback: { maxConcurrent: 0 } },
      RangeError,
      'localFallback.maxConcurrent',
    ],
    [
      { onUnavailable: 'local', localFallback: { max: 1 } },
      TypeError,
      'options.localFallback.max is not a known',
    ],
    [{ keyPrefix: 7 }, TypeError, 'options.keyPrefix must be a string'],
    [
      { maxConcurent: 3 },
      TypeError,
      'options.maxConcurent is not a known option; did you mean maxConcurrent?',
    ],
    [{ client: {} }, TypeError, 'options.client must be a node-redis client'],
  ])('rejects %o with a message naming the option', (options, type, message) => {
    expect(build(options)).toThrow(type);
    expect(build(options)).toThrow(message);
  });

  it('rejects a bad name', () => {
    expect(() => new RedisBulkhead('', { client, maxConcurrent: 1 })).toThrow(RangeError);
    expect(() => new RedisBulkhead('a{b}', { client, maxConcurrent: 1 })).toThrow(
      "must not contain '{' or '}'",
    );
    expect(() => new RedisBulkhead('orders', undefined as never)).toThrow(TypeError);
  });

  it('says clearly that a client must be connected first', () => {
    const unconnected = createClient({ url: 'redis://127.0.0.1:6379' });
    expect(() => new RedisBulkhead('orders', { client: unconnected, maxConcurrent: 1 })).toThrow(
      'options.client is not connected: call `await client.connect()` before creating the bulkhead',
    );
  });

  it('rejects bad call options and a non-function fn without touching Redis', async () => {
    const bulkhead = new RedisBulkhead('orders', {
      client,
      maxConcurrent: 1,
      keyPrefix: 'bulkhead-test:options:',
    });
    await expect(bulkhead.acquire({ timeout: -1 })).rejects.toThrow('options.timeout must be >= 0');
    await expect(bulkhead.acquire({ signal: 'no' as never })).rejects.toThrow(
      'options.signal must be an AbortSignal',
    );
    await expect(bulkhead.execute('no' as never)).rejects.toThrow('fn must be a function');
    expect(() => bulkhead.resize(0)).toThrow('options.maxConcurrent must be >= 1');
    expect(bulkhead.getState().totalCalls).toBe(0);
    await bulkhead.close();
  });
});
