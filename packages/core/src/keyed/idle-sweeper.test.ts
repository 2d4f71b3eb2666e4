import { afterEach, describe, expect, it, vi } from 'vitest';
import { now } from '../internal/clock.js';
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
  it('evicts nodes in the order they became idle, each after the idle timeout, with one timer', () => {
    useFakeClock();
    const list = new IdleList<Node>();
    const evicted: string[] = [];
    const sweeper = new IdleSweeper(list, 100, (node) => evicted.push(node.name));
    const [a, b, c] = [new Node('a'), new Node('b'), new Node('c')];
    list.push(a, now());
    sweeper.schedule();
    vi.advanceTimersByTime(40);
    list.push(b, now());
    sweeper.schedule();
    list.push(c, now());
    sweeper.schedule();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(60);
    expect(evicted).toEqual(['a']);
    // b is used again before its timeout: it leaves the list and is never evicted.
    list.remove(b);
    vi.advanceTimersByTime(40);
    expect(evicted).toEqual(['a', 'c']);
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
