import { afterEach, describe, expect, it, vi } from 'vitest';
import { SemaphoreBulkhead } from '../semaphore-bulkhead.js';
import { type QueueNode, WaiterQueue } from './waiter-queue.js';

class Node implements QueueNode {
  previous: QueueNode | undefined = undefined;
  next: QueueNode | undefined = undefined;
  queued = false;
  constructor(readonly id: number) {}
}

function drain(queue: WaiterQueue<Node>): number[] {
  const ids: number[] = [];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) ids.push(node.id);
  return ids;
}

function filled(count: number): { queue: WaiterQueue<Node>; nodes: Node[] } {
  const queue = new WaiterQueue<Node>();
  const nodes = Array.from({ length: count }, (_, index) => new Node(index));
  for (const node of nodes) queue.push(node);
  return { queue, nodes };
}

describe('WaiterQueue', () => {
  it('is FIFO with size and peek', () => {
    const { queue, nodes } = filled(3);
    expect(queue.size).toBe(3);
    expect(queue.peek()).toBe(nodes[0]);
    expect(drain(queue)).toEqual([0, 1, 2]);
    expect(queue.size).toBe(0);
    expect(queue.peek()).toBeUndefined();
    expect(queue.shift()).toBeUndefined();
  });

  it('removes from the middle, the head and the tail', () => {
    const { queue, nodes } = filled(5);
    queue.remove(nodes[2]!);
    queue.remove(nodes[0]!);
    queue.remove(nodes[4]!);
    expect(queue.size).toBe(2);
    expect(queue.peek()).toBe(nodes[1]);
    expect(drain(queue)).toEqual([1, 3]);
  });

  it('ignores removing a node that is not queued (twice, or already shifted)', () => {
    const { queue, nodes } = filled(3);
    queue.remove(nodes[1]!);
    queue.remove(nodes[1]!);
    const head = queue.shift()!;
    queue.remove(head);
    expect(queue.size).toBe(1);
    expect(drain(queue)).toEqual([2]);
  });

  it('unlinks a removed node completely, so it can be pushed again', () => {
    const { queue, nodes } = filled(3);
    const middle = nodes[1]!;
    queue.remove(middle);
    expect(middle).toMatchObject({ previous: undefined, next: undefined, queued: false });
    queue.push(middle);
    expect(drain(queue)).toEqual([0, 2, 1]);
  });

  it('a removal from the middle of a large queue touches only the two neighbours', {
    timeout: 120_000,
  }, () => {
    const { queue, nodes } = filled(100_000);
    const before = nodes.map((node) => [node.previous, node.next] as const);
    queue.remove(nodes[50_000]!);
    const changed = nodes.flatMap((node, index) =>
      node.previous !== before[index]![0] || node.next !== before[index]![1] ? [index] : [],
    );
    expect(changed).toEqual([49_999, 50_000, 50_001]);
    expect(nodes[49_999]!.next).toBe(nodes[50_001]);
    expect(nodes[50_001]!.previous).toBe(nodes[49_999]);
    expect(queue.size).toBe(99_999);
  });
});

describe('the bulkhead wait queue is array-free', () => {
  afterEach(() => vi.restoreAllMocks());

  it('enqueue, abort from the middle and admission never shift, splice or search an array', {
    timeout: 120_000,
  }, async () => {
    const bulkhead = new SemaphoreBulkhead('array-free', { maxConcurrent: 1 });
    const held = bulkhead.tryAcquire()!;
    const controllers = Array.from({ length: 10_000 }, () => new AbortController());
    const spies = (['shift', 'splice', 'indexOf', 'unshift'] as const).map((method) =>
      vi.spyOn(Array.prototype, method),
    );
    const waiters = controllers.map((controller) =>
      bulkhead.acquire({ timeout: Number.POSITIVE_INFINITY, signal: controller.signal }),
    );
    for (let index = 1; index < controllers.length; index += 2) controllers[index]!.abort();
    held.release();
    const calls = spies.map((spy) => spy.mock.calls.length);
    vi.restoreAllMocks();
    expect(calls).toEqual([0, 0, 0, 0]);
    expect(bulkhead.waitingCount).toBe(4_999);
    const closing = bulkhead.close();
    const settled = await Promise.allSettled(waiters);
    expect(settled.filter((result) => result.status === 'rejected')).toHaveLength(9_999);
    const first = settled[0];
    expect(first?.status).toBe('fulfilled');
    if (first?.status === 'fulfilled') first.value.release();
    await closing;
  });
});
