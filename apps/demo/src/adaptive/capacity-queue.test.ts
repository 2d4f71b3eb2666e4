import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CapacityEvent, CapacityQueue } from './capacity-queue.js';

function traced(queue: CapacityQueue): string[] {
  const trace: string[] = [];
  queue.onEvent((event: CapacityEvent) => trace.push(`${event.kind} ${event.request}`));
  return trace;
}

describe('CapacityQueue: a service with a bounded number of workers', () => {
  afterEach(() => vi.useRealTimers());

  it('serves `capacity` requests at once and makes the others wait in arrival order', async () => {
    vi.useFakeTimers();
    const queue = new CapacityQueue({ capacity: 2, latencyMs: 100, jitterMs: 0 });
    const trace = traced(queue);
    const served = [queue.serve(), queue.serve(), queue.serve(), queue.serve()];
    expect(trace).toEqual(['start 0', 'start 1']);
    expect({ running: queue.running, waiting: queue.waiting }).toEqual({ running: 2, waiting: 2 });
    await vi.advanceTimersByTimeAsync(100);
    expect(trace).toEqual(['start 0', 'start 1', 'end 0', 'start 2', 'end 1', 'start 3']);
    await vi.advanceTimersByTimeAsync(100);
    expect(await Promise.all(served)).toEqual([true, true, true, true]);
  });

  it('degrades: lowering the capacity lets running requests finish and starts new ones below it', async () => {
    vi.useFakeTimers();
    const queue = new CapacityQueue({ capacity: 4, latencyMs: 100, jitterMs: 0 });
    const trace = traced(queue);
    for (let index = 0; index < 6; index++) void queue.serve();
    queue.capacity = 1;
    expect(queue.running).toBe(4);
    await vi.advanceTimersByTimeAsync(100);
    // All four finished; only one of the two waiting starts.
    expect(trace.slice(4)).toEqual(['end 0', 'end 1', 'end 2', 'end 3', 'start 4']);
    queue.capacity = 4; // restored: the last one starts at once
    expect(trace.at(-1)).toBe('start 5');
  });

  it('close() settles every waiting and running request with false', async () => {
    vi.useFakeTimers();
    const queue = new CapacityQueue({ capacity: 1, latencyMs: 100, jitterMs: 0 });
    const served = [queue.serve(), queue.serve()];
    queue.close();
    expect(await Promise.all(served)).toEqual([false, false]);
    expect(await queue.serve()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('validates its options, naming each', () => {
    expect(() => new CapacityQueue({ capacity: 0, latencyMs: 1, jitterMs: 0 })).toThrow(
      new RangeError('options.capacity must be >= 1, got 0'),
    );
    expect(() => new CapacityQueue({ capacity: 1, latencyMs: -1, jitterMs: 0 })).toThrow(
      new RangeError('options.latencyMs must be >= 0, got -1'),
    );
    expect(() => new CapacityQueue({ capacity: 1, latencyMs: 1, jitterMs: 0, latency: 5 } as never)).toThrow(
      /options\.latency is not a known option/,
    );
    const queue = new CapacityQueue({ capacity: 1, latencyMs: 1, jitterMs: 0 });
    expect(() => {
      queue.capacity = 2.5;
    }).toThrow(new RangeError('options.capacity must be an integer, got 2.5'));
  });
});
