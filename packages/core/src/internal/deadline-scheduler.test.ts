import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import { flush, useFakeClock } from '../test-support/async-helpers.js';
import { type DeadlineList, type DeadlineNode, DeadlineScheduler } from './deadline-scheduler.js';

class Node implements DeadlineNode {
  deadline = 0;
  deadlinePrevious: DeadlineNode | undefined = undefined;
  deadlineNext: DeadlineNode | undefined = undefined;
  deadlineList: DeadlineList | undefined = undefined;
  constructor(readonly id: string) {}
}

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

function schedulerWithLog(): { scheduler: DeadlineScheduler; expired: string[] } {
  const expired: string[] = [];
  const scheduler = new DeadlineScheduler((node) =>
    expired.push(`${(node as Node).id}@${performance.now()}`),
  );
  return { scheduler, expired };
}

describe('DeadlineScheduler', () => {
  it('expires nodes at their deadlines, in deadline order, with one timer', async () => {
    const { scheduler, expired } = schedulerWithLog();
    const start = performance.now();
    scheduler.add(new Node('a30'), 30, start);
    scheduler.add(new Node('b10'), 10, start);
    scheduler.add(new Node('c20'), 20, start);
    scheduler.add(new Node('d10'), 10, start);
    expect(vi.getTimerCount()).toBe(1);
    expect(scheduler.size).toBe(4);
    await vi.advanceTimersByTimeAsync(9);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toEqual(['b10@10', 'd10@10']);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(expired).toEqual(['b10@10', 'd10@10', 'c20@20', 'a30@30']);
    expect(scheduler.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removal from the middle of a list is O(1) and the node never expires', async () => {
    const { scheduler, expired } = schedulerWithLog();
    const nodes = ['a', 'b', 'c'].map((id) => new Node(id));
    for (const node of nodes) scheduler.add(node, 50, performance.now());
    scheduler.remove(nodes[1]!);
    expect(nodes[1]).toMatchObject({
      deadlineList: undefined,
      deadlinePrevious: undefined,
      deadlineNext: undefined,
    });
    expect(nodes[0]!.deadlineNext).toBe(nodes[2]);
    expect(nodes[2]!.deadlinePrevious).toBe(nodes[0]);
    scheduler.remove(nodes[1]!);
    expect(scheduler.size).toBe(2);
    await vi.advanceTimersByTimeAsync(50);
    expect(expired).toEqual(['a@50', 'c@50']);
  });

  it('a stale heap key (head removed) makes the timer re-arm for the next real deadline', async () => {
    const { scheduler, expired } = schedulerWithLog();
    const early = new Node('early');
    scheduler.add(early, 100, performance.now());
    await vi.advanceTimersByTimeAsync(40);
    const late = new Node('late');
    scheduler.add(late, 100, performance.now());
    scheduler.remove(early);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(expired).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(39);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toEqual(['late@140']);
  });

  it('an emptied list still in the heap is reused with a later key', async () => {
    const { scheduler, expired } = schedulerWithLog();
    const keepAlive = new Node('keep');
    scheduler.add(keepAlive, 1000, performance.now());
    const first = new Node('first');
    scheduler.add(first, 10, performance.now());
    scheduler.remove(first);
    await vi.advanceTimersByTimeAsync(5);
    const second = new Node('second');
    scheduler.add(second, 10, performance.now());
    await vi.advanceTimersByTimeAsync(10);
    expect(expired).toEqual(['second@15']);
    await vi.advanceTimersByTimeAsync(985);
    expect(expired).toEqual(['second@15', 'keep@1000']);
  });

  it('removing the last node drops the timer; clear() drops everything', async () => {
    const { scheduler, expired } = schedulerWithLog();
    const node = new Node('only');
    scheduler.add(node, 10, performance.now());
    scheduler.remove(node);
    expect(vi.getTimerCount()).toBe(0);
    scheduler.add(new Node('x'), 10, performance.now());
    scheduler.add(new Node('y'), 20, performance.now());
    scheduler.clear();
    expect(vi.getTimerCount()).toBe(0);
    expect(scheduler.size).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(expired).toEqual([]);
    scheduler.add(new Node('after-clear'), 5, performance.now());
    await vi.advanceTimersByTimeAsync(5);
    expect(expired).toEqual(['after-clear@105']);
  });

  it('a node added from the expiry callback is scheduled correctly', async () => {
    const expired: string[] = [];
    const scheduler: DeadlineScheduler = new DeadlineScheduler((node) => {
      expired.push(`${(node as Node).id}@${performance.now()}`);
      if ((node as Node).id === 'first') scheduler.add(new Node('chained'), 10, performance.now());
    });
    scheduler.add(new Node('first'), 10, performance.now());
    await vi.advanceTimersByTimeAsync(20);
    expect(expired).toEqual(['first@10', 'chained@20']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('one timer per bulkhead', () => {
  it('1000 waiters with mixed timeouts share one timer and expire in deadline order', {
    timeout: 120_000,
  }, async () => {
    const bulkhead = new SemaphoreBulkhead('mixed', { maxConcurrent: 1 });
    bulkhead.tryAcquire();
    const timeouts = Array.from({ length: 1000 }, (_, index) => 10 + ((index * 37) % 13) * 7);
    const order: number[] = [];
    const waiters = timeouts.map((timeout, index) =>
      bulkhead.acquire({ timeout }).catch((error: unknown) => {
        expect(error).toMatchObject({ reason: 'queue_timeout' });
        order.push(index);
      }),
    );
    expect(vi.getTimerCount()).toBe(1);
    let maxTimers = 0;
    for (let elapsed = 0; elapsed < 100; elapsed++) {
      await vi.advanceTimersByTimeAsync(1);
      maxTimers = Math.max(maxTimers, vi.getTimerCount());
    }
    await Promise.all(waiters);
    expect(maxTimers).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    const expected = timeouts
      .map((timeout, index) => ({ timeout, index }))
      .sort((left, right) => left.timeout - right.timeout || left.index - right.index)
      .map(({ index }) => index);
    expect(order).toEqual(expected);
    expect(bulkhead.getState()).toMatchObject({ waitingCount: 0, rejectedCount: 1000 });
  });

  it('waiters admitted or aborted before their deadline never expire', async () => {
    const bulkhead = new SemaphoreBulkhead('mixed-admit', { maxConcurrent: 1 });
    const held = bulkhead.tryAcquire()!;
    const controller = new AbortController();
    const outcomes: string[] = [];
    const admitted = bulkhead.acquire({ timeout: 50 }).then((permit) => {
      outcomes.push('admitted');
      return permit;
    });
    const aborted = bulkhead.acquire({ timeout: 30, signal: controller.signal }).catch(() => {
      outcomes.push('aborted');
    });
    const expiring = bulkhead.acquire({ timeout: 60 }).catch(() => {
      outcomes.push('expired');
    });
    controller.abort();
    held.release();
    await flush();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(60);
    await Promise.all([aborted, expiring]);
    expect(outcomes).toEqual(['aborted', 'admitted', 'expired']);
    (await admitted).release();
    expect(vi.getTimerCount()).toBe(0);
  });
});
