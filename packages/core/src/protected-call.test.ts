import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SemaphoreBulkhead } from './index.js';
import { CallContext, callProtected, protectFunction } from './protected-call.js';

describe('callProtected', () => {
  it('turns a synchronous throw into a rejection and passes values and promises through', async () => {
    const failure = new Error('sync');
    const rejected = callProtected(() => {
      throw failure;
    });
    expect(rejected).toBeInstanceOf(Promise);
    await expect(rejected).rejects.toBe(failure);
    await expect(callProtected(() => 7)).resolves.toBe(7);
    await expect(callProtected(() => Promise.resolve('later'))).resolves.toBe('later');
  });

  it('hands fn the context it is given', async () => {
    const context = new CallContext();
    await expect(callProtected((received) => received, context)).resolves.toBe(context);
  });
});

describe('CallContext', () => {
  it("passes the caller's signal on as is", () => {
    const controller = new AbortController();
    expect(new CallContext(controller.signal).signal).toBe(controller.signal);
  });

  it('gives each call a signal of its own, created on first read and stable after', () => {
    const first = new CallContext();
    const second = new CallContext();
    expect(first.signal).toBe(first.signal);
    expect(first.signal).not.toBe(second.signal);
    expect(first.signal.aborted).toBe(false);
  });
});

describe('the signal a bulkhead hands to fn', () => {
  it('is never shared: a listener one call leaves behind is not seen by another call', async () => {
    const bulkhead = new SemaphoreBulkhead('own-signal', { maxConcurrent: 2 });
    const other = new SemaphoreBulkhead('other-signal');
    const signals: AbortSignal[] = [];
    const record = ({ signal }: { signal: AbortSignal }): void => {
      signals.push(signal);
    };
    await bulkhead.execute(record);
    await bulkhead.execute(record, { timeout: 100 });
    await other.execute(record);
    bulkhead.tryAcquire();
    bulkhead.tryAcquire();
    const queued = bulkhead.execute(record, { timeout: 1000 });
    bulkhead.resize(3);
    await queued;
    expect(new Set(signals).size).toBe(4);
  });

  it('1000 concurrent calls passing it to timers/promises raise no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on('warning', onWarning);
    try {
      const bulkhead = new SemaphoreBulkhead('many-signals', { maxConcurrent: 1000 });
      const calls = Array.from({ length: 1000 }, () =>
        bulkhead.execute(({ signal }) => delay(1, 'done', { signal })),
      );
      expect(await Promise.all(calls)).toHaveLength(1000);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});

describe('protectFunction', () => {
  it("runs each call through the executor with the call's this and arguments", async () => {
    const seen: unknown[] = [];
    const executor = {
      execute<T>(task: () => T | PromiseLike<T>, options?: { tag: string }): Promise<T> {
        seen.push(options?.tag);
        return Promise.resolve(task());
      },
    };
    const receiver = {
      base: 40,
      add: protectFunction(
        executor,
        function (this: { base: number }, value: number) {
          return this.base + value;
        },
        { tag: 'wrapped' },
      ),
    };
    expect(await receiver.add(2)).toBe(42);
    expect(seen).toEqual(['wrapped']);
  });

  it('rejects a non-function with a TypeError naming fn', () => {
    const executor = { execute: <T>(task: () => T | PromiseLike<T>) => Promise.resolve(task()) };
    expect(() => protectFunction(executor, 42 as never)).toThrow(
      new TypeError('fn must be a function, got number 42'),
    );
  });
});
