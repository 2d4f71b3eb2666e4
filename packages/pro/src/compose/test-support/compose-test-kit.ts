import type { Bulkhead } from '@x/bulkhead-core';
import type { CircuitBreakerView } from '../breaker-status.js';

/** A promise you settle yourself (a deterministic barrier). */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Creates a deferred. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Records bulkhead and breaker events (and anything the test adds) in order. */
export function traceOf(bulkhead: Bulkhead, breaker?: CircuitBreakerView): string[] {
  const trace: string[] = [];
  bulkhead.on('permitted', () => trace.push('bulkhead:permitted'));
  bulkhead.on('rejected', (event) => trace.push(`bulkhead:rejected:${event.reason}`));
  bulkhead.on('finished', (event) => trace.push(`bulkhead:finished:${event.outcome}`));
  if (breaker !== undefined) {
    for (const event of ['fire', 'success', 'failure', 'reject', 'open', 'halfOpen', 'close']) {
      breaker.on(event, () => trace.push(`breaker:${event}`));
    }
  }
  return trace;
}

/** Lets every queued promise callback run (several microtask turns). */
export async function flushMicrotasks(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await Promise.resolve();
}

/**
 * A function that ignores its AbortSignal and counts how many copies run at once.
 * `release()` lets every running copy finish.
 */
export function signalIgnoringWork() {
  let gate = deferred();
  const counter = { running: 0, maxRunning: 0, started: 0 };
  const work = async (): Promise<string> => {
    counter.started++;
    counter.running++;
    counter.maxRunning = Math.max(counter.maxRunning, counter.running);
    try {
      await gate.promise;
      return 'late value';
    } finally {
      counter.running--;
    }
  };
  return {
    work,
    counter,
    release: () => {
      gate.resolve();
      gate = deferred();
    },
  };
}
