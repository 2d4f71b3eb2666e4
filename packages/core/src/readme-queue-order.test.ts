import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BulkheadFullError, SemaphoreBulkhead } from './index.js';
import { type Deferred, deferred, flush } from './test-support/async-helpers.js';

// The SemaphoreBulkhead example of the README section "Queue order, shedding and priorities", run as written,
// with stand-ins for the user's functions whose completion the test controls.

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

describe('README: queue order, shedding and priorities (SemaphoreBulkhead)', () => {
  it('shows these lines verbatim', () => {
    for (const line of [
      "const index = new SemaphoreBulkhead('index', {",
      "  onQueueFull: 'drop-oldest', // under overload the oldest waiter gives way to the newest (reason 'dropped')",
      "  if (reason === 'dropped') shed.increment();",
      "const refresh = index.execute(() => rebuildIndex(), { priority: 'low', timeout: 30_000 });",
      "const hits = await index.execute(() => lookUp(query), { priority: 'high', timeout: 200 });",
    ]) {
      expect(readme).toContain(line);
    }
  });

  it('runs a low and a high priority call in a drop-oldest bulkhead and counts what it sheds', async () => {
    let dropped = 0;
    const shed = { increment: () => dropped++ };
    const query = 'bulkhead';
    const rebuildIndex = async (): Promise<string> => 'rebuilt';
    const lookUp = async (text: string): Promise<string[]> => [text];

    const index = new SemaphoreBulkhead('index', {
      maxConcurrent: 4,
      maxQueue: 100,
      onQueueFull: 'drop-oldest', // under overload the oldest waiter gives way to the newest (reason 'dropped')
    });
    index.on('rejected', ({ reason }) => {
      if (reason === 'dropped') shed.increment();
    });

    // Interactive calls wait ahead of background work; the background call still gets every 4th turn at the latest.
    const refresh = index.execute(() => rebuildIndex(), { priority: 'low', timeout: 30_000 });
    const hits = await index.execute(() => lookUp(query), { priority: 'high', timeout: 200 });

    expect(hits).toEqual(['bulkhead']);
    await expect(refresh).resolves.toBe('rebuilt');
    expect(dropped).toBe(0);
  });

  it('behaves as the section says when the bulkhead is busy and its queue full', async () => {
    let dropped = 0;
    const shed = { increment: () => dropped++ };
    const index = new SemaphoreBulkhead('index-busy', {
      maxConcurrent: 4,
      maxQueue: 100,
      onQueueFull: 'drop-oldest',
    });
    index.on('rejected', ({ reason }) => {
      if (reason === 'dropped') shed.increment();
    });
    const running: Array<Deferred<void>> = [];
    const started: string[] = [];
    const call = (label: string, priority: 'low' | 'normal' | 'high') =>
      index.execute(
        () => {
          started.push(label);
          const done = deferred();
          running.push(done);
          return done.promise;
        },
        { priority, timeout: 30_000 },
      );
    const busy = [1, 2, 3, 4].map((number) => call(`busy-${number}`, 'normal'));
    const refresh = call('refresh', 'low');
    const lookUps = Array.from({ length: 99 }, (_, number) => call(`look-up-${number}`, 'high'));
    expect(index.getState()).toMatchObject({ activeCount: 4, waitingCount: 100 });

    // The queue is full: the newest call sheds the oldest waiter, the low-priority refresh.
    const newest = call('newest', 'high');
    await expect(refresh).rejects.toSatisfy(
      (error) => BulkheadFullError.isInstance(error) && error.reason === 'dropped',
    );
    expect(dropped).toBe(1);

    // Each permit that comes back goes to a high-priority call, FIFO among them.
    for (const done of running.splice(0, 4)) done.resolve();
    await flush();
    expect(started.slice(4)).toEqual(['look-up-0', 'look-up-1', 'look-up-2', 'look-up-3']);
    for (let round = 0; running.length > 0 && round < 100; round++) {
      for (const done of running.splice(0)) done.resolve();
      await flush();
    }
    await Promise.all([...busy, ...lookUps, newest]);
    expect(started.at(-1)).toBe('newest');
  });
});
