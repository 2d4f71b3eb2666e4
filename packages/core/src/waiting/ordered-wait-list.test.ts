import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flush, useFakeClock } from '../test-support/async-helpers.js';
import { OrderedWaitList, type SequencedEntry } from './ordered-wait-list.js';
import { PRIORITY_LEVELS, type QueueOrder, STARVATION_INTERVAL } from './queue-policy.js';
import { WaitEntry } from './wait-entry.js';

const [LOW, NORMAL, HIGH] = [0, 1, 2] as const;
const FOREVER = Number.POSITIVE_INFINITY;

class Entry extends WaitEntry implements SequencedEntry {
  constructor(
    readonly id: string,
    readonly sequence: number,
    signal?: AbortSignal,
  ) {
    super(signal, performance.now());
  }
}

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

/** A list with a log of the entries that expired or aborted, and a helper that queues numbered entries. */
function listWithLog(order: QueueOrder = 'fifo') {
  const log: string[] = [];
  const list = new OrderedWaitList<Entry>(order, {
    onExpired: (entry) => log.push(`expired ${entry.id} size=${list.size}`),
    onAborted: (entry) => log.push(`aborted ${entry.id} size=${list.size}`),
  });
  let sequence = 0;
  const add = (id: string, level: number, timeout = FOREVER, signal?: AbortSignal): Entry => {
    const entry = new Entry(id, sequence++, signal);
    list.enqueue(entry, level, timeout);
    return entry;
  };
  const drain = (): string[] => {
    const ids: string[] = [];
    for (let entry = list.shift(); entry !== undefined; entry = list.shift()) ids.push(entry.id);
    return ids;
  };
  return { list, log, add, drain };
}

describe('OrderedWaitList', () => {
  it('serves the highest level first, FIFO within a level', () => {
    const { list, add, drain } = listWithLog();
    add('low-1', LOW);
    add('normal-1', NORMAL);
    add('high-1', HIGH);
    add('normal-2', NORMAL);
    expect(list.size).toBe(4);
    expect(list.peekNext()?.id).toBe('high-1');
    expect(drain()).toEqual(['high-1', 'normal-1', 'normal-2', 'low-1']);
    expect(list.size).toBe(0);
    expect(list.shift()).toBeUndefined();
    expect(list.peekNext()).toBeUndefined();
  });

  it('serves the newest first within a level with lifo', () => {
    const { add, drain } = listWithLog('lifo');
    add('normal-1', NORMAL);
    add('normal-2', NORMAL);
    add('high-1', HIGH);
    add('high-2', HIGH);
    add('normal-3', NORMAL);
    // 4th admission: the oldest of all (normal-1).
    expect(drain()).toEqual(['high-2', 'high-1', 'normal-3', 'normal-1', 'normal-2']);
  });

  it(`gives every ${STARVATION_INTERVAL}th shift to the oldest entry, and peekNext tells it in advance`, () => {
    const { list, add } = listWithLog();
    add('low', LOW);
    for (let index = 1; index <= 5; index++) add(`high-${index}`, HIGH);
    const served: string[] = [];
    while (list.size > 0) {
      const next = list.peekNext();
      const shifted = list.shift();
      expect(shifted).toBe(next);
      served.push(shifted!.id);
    }
    expect(served).toEqual(['high-1', 'high-2', 'high-3', 'low', 'high-4', 'high-5']);
  });

  it('oldest() is the first arrival across levels', () => {
    const { list, add } = listWithLog('lifo');
    expect(list.oldest()).toBeUndefined();
    add('high', HIGH);
    add('low', LOW);
    expect(list.oldest()?.id).toBe('high');
  });

  for (const [name, level] of [
    ['low', LOW],
    ['normal', NORMAL],
    ['high', HIGH],
  ] as const) {
    it(`removes an entry from the middle of the ${name} level and keeps the rest in order`, () => {
      const { list, add, drain } = listWithLog();
      const others = PRIORITY_LEVELS.map((_, other) => add(`other-${other}`, other));
      add(`${name}-1`, level);
      const middle = add(`${name}-2`, level);
      add(`${name}-3`, level);
      expect(list.remove(middle)).toBe(true);
      expect(list.remove(middle)).toBe(false);
      expect(middle.queued).toBe(false);
      expect(list.size).toBe(5);
      const served = drain();
      expect(served).not.toContain(`${name}-2`);
      expect(served.filter((id) => id.startsWith(`${name}-`))).toEqual([`${name}-1`, `${name}-3`]);
      expect(served).toHaveLength(5);
      expect(others.every((entry) => !entry.queued)).toBe(true);
    });
  }

  it('does not remove an entry of another list', () => {
    const { list } = listWithLog();
    const { add } = listWithLog();
    const foreign = add('foreign', NORMAL);
    expect(list.remove(foreign)).toBe(false);
    expect(foreign.queued).toBe(true);
  });

  it('detachAll returns every entry oldest first, across levels, and clears the timers', () => {
    const { list, log, add } = listWithLog('lifo');
    add('a', LOW, 10);
    add('b', HIGH, 20);
    add('c', NORMAL);
    add('d', HIGH, 10);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    const detached = list.detachAll();
    expect(detached.map((entry) => entry.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(detached.every((entry) => !entry.queued)).toBe(true);
    expect(list.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(log).toEqual([]);
  });

  it('counts an expired entry out before its owner hears of it', () => {
    const { list, log, add, drain } = listWithLog();
    add('high-short', HIGH, 10);
    add('low-long', LOW, 30);
    add('normal', NORMAL);
    vi.advanceTimersByTime(10);
    expect(log).toEqual(['expired high-short size=2']);
    vi.advanceTimersByTime(20);
    expect(log).toEqual(['expired high-short size=2', 'expired low-long size=1']);
    expect(list.size).toBe(1);
    expect(drain()).toEqual(['normal']);
  });

  it('counts an aborted entry out before its owner hears of it', async () => {
    const { list, log, add, drain } = listWithLog();
    const controller = new AbortController();
    add('low', LOW, FOREVER, controller.signal);
    add('high', HIGH);
    controller.abort();
    await flush();
    expect(log).toEqual(['aborted low size=1']);
    expect(list.size).toBe(1);
    expect(drain()).toEqual(['high']);
  });

  it('rejects a level that does not exist and callbacks that are not functions', () => {
    const { list } = listWithLog();
    expect(() => list.enqueue(new Entry('x', 0), 3, FOREVER)).toThrow(RangeError);
    expect(() => list.enqueue(new Entry('x', 0), -1, FOREVER)).toThrow(RangeError);
    expect(list.size).toBe(0);
    expect(() => new OrderedWaitList('fifo', {} as never)).toThrow(
      new TypeError('OrderedWaitList needs onExpired and onAborted functions'),
    );
  });
});
