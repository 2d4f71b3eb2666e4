import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleSweeper, type IdleWatched } from './idle-sweeper.js';

function watched(log: string[], name: string): IdleWatched {
  return {
    idlePrevious: undefined,
    idleNext: undefined,
    lastActivity: 0,
    watched: false,
    onIdle: () => log.push(name),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('IdleSweeper', () => {
  it('ends a body after between timeout and 1.25 x timeout without activity, once', () => {
    const log: string[] = [];
    const sweeper = new IdleSweeper(100);
    const body = watched(log, 'body');
    sweeper.watch(body);
    vi.advanceTimersByTime(100);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(25);
    expect(log).toEqual(['body']);
    expect(body.watched).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(log).toEqual(['body']);
  });

  it('activity (a stamp of the current tick) keeps a body alive', () => {
    const log: string[] = [];
    const sweeper = new IdleSweeper(100);
    const busy = watched(log, 'busy');
    const idle = watched(log, 'idle');
    sweeper.watch(busy);
    sweeper.watch(idle);
    for (let step = 0; step < 20; step++) {
      vi.advanceTimersByTime(25);
      busy.lastActivity = sweeper.tick;
    }
    expect(log).toEqual(['idle']);
    sweeper.unwatch(busy);
    vi.advanceTimersByTime(1000);
    expect(log).toEqual(['idle']);
  });

  it('runs its one timer only while something is watched', () => {
    const sweeper = new IdleSweeper(100);
    const items = [watched([], 'a'), watched([], 'b'), watched([], 'c')];
    for (const item of items) sweeper.watch(item);
    expect(vi.getTimerCount()).toBe(1);
    sweeper.unwatch(items[1]!);
    sweeper.unwatch(items[0]!);
    expect(vi.getTimerCount()).toBe(1);
    sweeper.unwatch(items[2]!);
    sweeper.unwatch(items[2]!);
    expect(vi.getTimerCount()).toBe(0);
  });
});
