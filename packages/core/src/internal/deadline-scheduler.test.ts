import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import { flush, useFakeClock } from '../test-support/async-helpers.js';
import { type DeadlineList, type DeadlineNode, DeadlineScheduler } from './deadline-scheduler.js';

class Node implements DeadlineNode {
  readonly enqueuedAt = performance.now();
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
    expired.push(`${(node as unknown as Node).id}@${performance.now()}`),
  );
  return { scheduler, expired };
}

describe('DeadlineScheduler', () => {
  it('expires nodes at their deadlines, in deadline order, with one timer', async () => {
    const { scheduler, expired } = schedulerWithLog();
    scheduler.add(new Node('a30'), 30);
    scheduler.add(new Node('b10'), 10);
    scheduler.add(new Node('c20'), 20);
    scheduler.add(new Node('d10'), 10);
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
    for (const node of nodes) scheduler.add(node, 50);
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
    scheduler.add(early, 100);
    await vi.advanceTimersByTimeAsync(40);
    const late = new Node('late');
    scheduler.add(late, 100);
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
    scheduler.add(keepAlive, 1000);
    const first = new Node('first');
    scheduler.add(first, 10);
    scheduler.remove(first);
    await vi.advanceTimersByTimeAsync(5);
    const second = new Node('second');
    scheduler.add(second, 10);
    await vi.advanceTimersByTimeAsync(10);
    expect(expired).toEqual(['second@15']);
    await vi.advanceTimersByTimeAsync(985);
    expect(expired).toEqual(['second@15', 'keep@1000']);
  });

  it('removing the last node drops the timer; clear() drops everything', async () => {
    const { scheduler, expired } = schedulerWithLog();
    const node = new Node('only');
    scheduler.add(node, 10);
    scheduler.remove(node);
    expect(vi.getTimerCount()).toBe(0);
    scheduler.add(new Node('x'), 10);
    scheduler.add(new Node('y'), 20);
    scheduler.clear();
    expect(vi.getTimerCount()).toBe(0);
    expect(scheduler.size).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(expired).toEqual([]);
    scheduler.add(new Node('after-clear'), 5);
    await vi.advanceTimersByTimeAsync(5);
    expect(expired).toEqual(['after-clear@105']);
  });

  it('a node added from the expiry callback is scheduled correctly', async () => {
    const expired: string[] = [];
    const scheduler: DeadlineScheduler = new DeadlineScheduler((node) => {
      expired.push(`${(node as unknown as Node).id}@${performance.now()}`);
      if ((node as unknown as Node).id === 'first') scheduler.add(new Node('chained'), 10);
    });
    scheduler.add(new Node('first'), 10);
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

/** A small deterministic generator (mulberry32), so the test is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('distinct timeout values', () => {
  it('drops a list as soon as it empties and still expires every node on time, in deadline order', async () => {
    const next = random(7);
    type Timed = Node & { deadline: number };
    const pending = new Set<Timed>();
    const cancelled = new Set<string>();
    const added: string[] = [];
    const expired: Array<{ id: string; at: number; deadline: number }> = [];
    const scheduler = new DeadlineScheduler((node) => {
      const timed = node as unknown as Timed;
      pending.delete(timed);
      expired.push({ id: timed.id, at: performance.now(), deadline: timed.deadline });
    });
    const keeper = new Node('keeper');
    scheduler.add(keeper, 10_000);
    for (let round = 0; round < 20; round++) {
      for (let index = 0; index < 30; index++) {
        // A remaining-budget deadline: a fresh fractional value for every call.
        const timeout = 1 + next() * 200;
        const node: Timed = Object.assign(new Node(`${round}.${index}`), { deadline: 0 });
        node.deadline = node.enqueuedAt + timeout;
        scheduler.add(node, timeout);
        pending.add(node);
        added.push(node.id);
      }
      // Cancel a random half: many lists empty out of heap order.
      for (const node of [...pending]) {
        if (next() < 0.5) {
          scheduler.remove(node);
          pending.delete(node);
          cancelled.add(node.id);
        }
      }
      expect(scheduler.listCount).toBe(pending.size + 1);
      await vi.advanceTimersByTimeAsync(3);
    }
    await vi.advanceTimersByTimeAsync(300);
    expect(expired.map((entry) => entry.id).sort()).toEqual(added.filter((id) => !cancelled.has(id)).sort());
    for (const entry of expired) {
      expect(entry.at).toBeGreaterThanOrEqual(entry.deadline);
      expect(entry.at - entry.deadline).toBeLessThan(1);
    }
    const deadlines = expired.map((entry) => entry.deadline);
    expect(deadlines).toEqual([...deadlines].sort((left, right) => left - right));
    expect(scheduler.listCount).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    scheduler.remove(keeper);
    expect(vi.getTimerCount()).toBe(0);
  });
});
