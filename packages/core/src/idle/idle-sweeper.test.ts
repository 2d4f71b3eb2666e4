import { afterEach, describe, expect, it, vi } from 'vitest';
import { useFakeClock } from '../test-support/async-helpers.js';
import { IdleList, type IdleNode } from './idle-list.js';
import { IdleSweeper } from './idle-sweeper.js';

class Node implements IdleNode {
  idlePrevious: IdleNode | undefined = undefined;
  idleNext: IdleNode | undefined = undefined;
  idleSince = -1;
  constructor(readonly name: string) {}
}

afterEach(() => {
  vi.useRealTimers();
});

describe('IdleSweeper', () => {
  it('evicts each node between idleTimeout and 1.5 × idleTimeout after it became idle, with one timer', () => {
    useFakeClock();
    const list = new IdleList<Node>();
    const evicted: Array<[string, number]> = [];
    const sweeper = new IdleSweeper(list, 100, (node) => evicted.push([node.name, Date.now()]));
    const started = Date.now();
    const [a, b, c] = [new Node('a'), new Node('b'), new Node('c')];
    const idleAt = new Map<string, number>();
    const becomeIdle = (node: Node): void => {
      list.push(node, sweeper.stamp);
      idleAt.set(node.name, Date.now());
      sweeper.schedule();
    };
    becomeIdle(a);
    vi.advanceTimersByTime(10);
    becomeIdle(b);
    vi.advanceTimersByTime(45);
    becomeIdle(c);
    expect(vi.getTimerCount()).toBe(1);
    // b is used again before its timeout: it leaves the list and is never evicted.
    vi.advanceTimersByTime(20);
    list.remove(b);
    vi.advanceTimersByTime(500);
    expect(evicted.map(([name]) => name)).toEqual(['a', 'c']);
    for (const [name, at] of evicted) {
      const idleFor = at - idleAt.get(name)!;
      expect(idleFor).toBeGreaterThanOrEqual(100);
      expect(idleFor).toBeLessThanOrEqual(150);
    }
    expect(started).toBeLessThan(Date.now());
    expect(list.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps a list of idle nodes in least-recently-used order', () => {
    const list = new IdleList<Node>();
    const [a, b] = [new Node('a'), new Node('b')];
    list.push(a, 1);
    list.push(b, 2);
    list.remove(a);
    list.remove(a);
    expect(list.oldest).toBe(b);
    expect(list.size).toBe(1);
    list.push(a, 3);
    list.remove(b);
    expect(list.oldest).toBe(a);
  });
});
