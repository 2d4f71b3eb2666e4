import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flush, useFakeClock } from '../test-support/async-helpers.js';
import { WaitEntry } from './wait-entry.js';
import { WaitList } from './wait-list.js';

class Entry extends WaitEntry {
  constructor(
    readonly id: string,
    signal?: AbortSignal,
  ) {
    super(signal, performance.now());
  }
}

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

function listWithLog(): { list: WaitList<Entry>; log: string[] } {
  const log: string[] = [];
  const list = new WaitList<Entry>({
    onExpired: (entry) => log.push(`expired ${entry.id}@${performance.now()} size=${list.size}`),
    onAborted: (entry) => log.push(`aborted ${entry.id} queued=${entry.queued}`),
  });
  return { list, log };
}

const ids = (entries: readonly Entry[]): string[] => entries.map((entry) => entry.id);

describe('WaitList', () => {
  it('is FIFO: entries leave in the order they came', () => {
    const { list } = listWithLog();
    for (const id of ['a', 'b', 'c']) list.enqueue(new Entry(id), Number.POSITIVE_INFINITY);
    expect(list.size).toBe(3);
    expect(list.peek()?.id).toBe('a');
    expect([list.dequeue()?.id, list.dequeue()?.id, list.dequeue()?.id, list.dequeue()]).toEqual([
      'a',
      'b',
      'c',
      undefined,
    ]);
    expect(list.size).toBe(0);
  });

  it('removes an entry from the middle and keeps the others in order', () => {
    const { list } = listWithLog();
    const entries = ['a', 'b', 'c'].map((id) => new Entry(id));
    for (const entry of entries) list.enqueue(entry, 100);
    expect(list.remove(entries[1]!)).toBe(true);
    expect(list.remove(entries[1]!)).toBe(false);
    expect(entries[1]!.queued).toBe(false);
    expect([list.dequeue()?.id, list.dequeue()?.id]).toEqual(['a', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('expires an entry at its deadline (the entry is out of the list when the owner hears of it)', async () => {
    const { list, log } = listWithLog();
    list.enqueue(new Entry('short'), 10);
    list.enqueue(new Entry('long'), 30);
    list.enqueue(new Entry('forever'), Number.POSITIVE_INFINITY);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(30);
    expect(log).toEqual(['expired short@10 size=2', 'expired long@30 size=1']);
    expect(vi.getTimerCount()).toBe(0);
    expect(list.peek()?.id).toBe('forever');
  });

  it('an abort removes the entry at once; a dequeued entry no longer listens to its signal', async () => {
    const { list, log } = listWithLog();
    const controller = new AbortController();
    const admitted = new AbortController();
    const admittedEntry = new Entry('admitted', admitted.signal);
    list.enqueue(admittedEntry, 50);
    list.enqueue(new Entry('aborted', controller.signal), 50);
    expect(list.dequeue()).toBe(admittedEntry);
    admitted.abort();
    controller.abort();
    expect(log).toEqual(['aborted aborted queued=false']);
    expect(list.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(log).toHaveLength(1);
  });

  it('detachAll empties the list before the owner settles anything', () => {
    const { list } = listWithLog();
    const controller = new AbortController();
    for (const id of ['a', 'b', 'c']) list.enqueue(new Entry(id, controller.signal), 100);
    const detached = list.detachAll();
    expect(ids(detached)).toEqual(['a', 'b', 'c']);
    expect(list.size).toBe(0);
    expect(list.peek()).toBeUndefined();
    expect(detached.every((entry) => !entry.queued && entry.deadlineList === undefined)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    // Their abort listeners are gone too.
    controller.abort();
    expect(list.size).toBe(0);
  });

  it('an entry waits in one list at a time', () => {
    const { list } = listWithLog();
    const entry = new Entry('a');
    list.enqueue(entry, Number.POSITIVE_INFINITY);
    expect(() => list.enqueue(entry, 10)).toThrow(new TypeError('the entry already waits in a list'));
    expect(() => new WaitList({} as never)).toThrow(TypeError);
  });

  it('retains one deadline list per distinct timeout among the waiting entries only', async () => {
    const { list } = listWithLog();
    // One long waiter keeps the scheduler busy, so emptied lists must be dropped one by one.
    list.enqueue(new Entry('keeper'), 1_000_000);
    const entries: Entry[] = [];
    for (let round = 0; round < 50; round++) {
      for (let index = 0; index < 20; index++) {
        const entry = new Entry(`${round}.${index}`);
        // A remaining-budget deadline: a fresh fractional value for every call.
        list.enqueue(entry, 1000 - round * 7.3 - index * 0.013);
        entries.push(entry);
      }
      expect(list.deadlineListCount).toBe(21);
      for (const entry of entries.splice(0)) list.remove(entry);
      expect(list.deadlineListCount).toBe(1);
      await flush();
    }
  });
});
