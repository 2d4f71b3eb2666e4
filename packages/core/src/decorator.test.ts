import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BulkheadClosedError,
  BulkheadFullError,
  BulkheadNotFoundError,
  bulkhead,
  getBulkheadRegistry,
  SemaphoreBulkhead,
} from './index.js';
import { deferred, useFakeClock } from './test-support/async-helpers.js';

const registered: string[] = [];
function register(name: string, maxConcurrent = 1): SemaphoreBulkhead {
  const compartment = new SemaphoreBulkhead(name, { maxConcurrent });
  getBulkheadRegistry().register(compartment);
  registered.push(name);
  return compartment;
}

afterEach(() => {
  vi.useRealTimers();
  for (const name of registered.splice(0)) getBulkheadRegistry().unregister(name);
});

describe('bulkhead() as a function wrapper', () => {
  it('runs the function inside the given bulkhead and passes arguments and results', async () => {
    const compartment = new SemaphoreBulkhead('wrapper', { maxConcurrent: 1 });
    const gate = deferred<number>();
    const add = bulkhead(compartment)(async (a: number, b: number) => (await gate.promise) + a + b);
    const running = add(1, 2);
    expect(compartment.activeCount).toBe(1);
    await expect(add(3, 4)).rejects.toBeInstanceOf(BulkheadFullError);
    gate.resolve(100);
    await expect(running).resolves.toBe(103);
    expect(compartment.activeCount).toBe(0);
  });

  it('resolves a name in the process-wide registry on each call (registered later is found)', async () => {
    const wrapped = bulkhead('decorator-late')(() => 'ok');
    await expect(wrapped()).rejects.toBeInstanceOf(BulkheadNotFoundError);
    const compartment = register('decorator-late');
    const permitted = vi.fn();
    compartment.on('permitted', permitted);
    await expect(wrapped()).resolves.toBe('ok');
    expect(permitted).toHaveBeenCalledTimes(1);
  });

  it('waits for a permit up to options.timeout', async () => {
    useFakeClock();
    const compartment = register('decorator-timeout');
    const held = compartment.tryAcquire()!;
    const wrapped = bulkhead('decorator-timeout', { timeout: 100 })(() => 'after wait');
    const waiting = wrapped();
    await vi.advanceTimersByTimeAsync(60);
    held.release();
    await expect(waiting).resolves.toBe('after wait');
    compartment.tryAcquire();
    const timingOut = wrapped();
    const assertion = expect(timingOut).rejects.toMatchObject({ reason: 'queue_timeout' });
    await vi.advanceTimersByTimeAsync(100);
    await assertion;
  });
});

describe('fallback', () => {
  it('runs on rejection with the error and the arguments, and its value is returned', async () => {
    const compartment = register('fallback-full');
    compartment.tryAcquire();
    const fallback = vi.fn(
      (error: unknown, id: string) => `cached ${id} (${(error as BulkheadFullError).reason})`,
    );
    const fetchUser = bulkhead<[string], string>('fallback-full', { fallback })((id: string) => `live ${id}`);
    await expect(fetchUser('u1')).resolves.toBe('cached u1 (queue_full)');
    expect(fallback).toHaveBeenCalledWith(expect.any(BulkheadFullError), 'u1');
  });

  it("receives the call's this and arguments, as a method decorator and as a wrapper", async () => {
    const compartment = new SemaphoreBulkhead('fallback-this', { maxConcurrent: 1 });
    compartment.tryAcquire();
    class Catalogue {
      constructor(readonly currency: string) {}

      @bulkhead(compartment, {
        fallback(this: unknown, _error: unknown, sku: unknown, quantity: unknown) {
          return `${(this as Catalogue).currency} ${String(sku)} x${String(quantity)} (cached)`;
        },
      })
      async price(sku: string, quantity: number): Promise<string> {
        return `${this.currency} ${sku} x${quantity}`;
      }
    }
    await expect(new Catalogue('EUR').price('sku-1', 2)).resolves.toBe('EUR sku-1 x2 (cached)');
    const seen: unknown[] = [];
    const wrapped = bulkhead(compartment, {
      fallback(this: unknown, _error: unknown, ...args: unknown[]) {
        seen.push(this, ...args);
        return 0;
      },
    })(function (this: unknown, _a: number, _b: string) {
      return 1;
    });
    const receiver = { wrapped };
    await receiver.wrapped(4, 'b');
    expect(seen).toEqual([receiver, 4, 'b']);
  });

  it('runs when the bulkhead is closed (a rejection too)', async () => {
    const compartment = new SemaphoreBulkhead('fallback-closed');
    await compartment.close();
    const wrapped = bulkhead(compartment, { fallback: (error) => BulkheadClosedError.isInstance(error) })(
      () => false,
    );
    await expect(wrapped()).resolves.toBe(true);
  });

  it('never runs on a business error, which propagates unchanged', async () => {
    const compartment = new SemaphoreBulkhead('fallback-business');
    const fallback = vi.fn(() => 'fallback');
    const businessError = new Error('card declined');
    const charge = bulkhead(compartment, { fallback })(() => {
      throw businessError;
    });
    await expect(charge()).rejects.toBe(businessError);
    expect(fallback).not.toHaveBeenCalled();
    expect(compartment.activeCount).toBe(0);
  });

  it('an unknown name rejects with BulkheadNotFoundError on the first call, before any fallback', async () => {
    const fallback = vi.fn(() => 'fallback');
    const fn = vi.fn(() => 'ran');
    const wrapped = bulkhead('decorator-never-registered', { fallback })(fn);
    const error = await wrapped().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BulkheadNotFoundError);
    expect(error).toMatchObject({ bulkheadName: 'decorator-never-registered' });
    expect(fallback).not.toHaveBeenCalled();
    expect(fn).not.toHaveBeenCalled();
  });

  it('an error thrown by the fallback propagates', async () => {
    const compartment = new SemaphoreBulkhead('fallback-throws', { maxConcurrent: 1 });
    compartment.tryAcquire();
    const fallbackError = new Error('no cache either');
    const wrapped = bulkhead(compartment, {
      fallback: () => {
        throw fallbackError;
      },
    })(() => 'live');
    await expect(wrapped()).rejects.toBe(fallbackError);
  });
});

describe('bulkhead() as a TC39 method decorator', () => {
  it('protects the method and keeps `this`', async () => {
    const compartment = register('decorated-method');
    class PaymentService {
      readonly prefix = 'paid';
      @bulkhead('decorated-method')
      async charge(amount: number): Promise<string> {
        return `${this.prefix} ${amount}`;
      }
    }
    const service = new PaymentService();
    const finished = vi.fn();
    compartment.on('finished', finished);
    await expect(service.charge(5)).resolves.toBe('paid 5');
    expect(finished).toHaveBeenCalledTimes(1);
  });

  it('applies the fallback with `this`-less arguments on rejection only', async () => {
    const compartment = register('decorated-fallback');
    class Catalogue {
      calls = 0;
      @bulkhead('decorated-fallback', { fallback: (_error: unknown, sku: unknown) => `stale ${String(sku)}` })
      async price(sku: string): Promise<string> {
        this.calls++;
        if (sku === 'bad') throw new RangeError('unknown sku');
        return `fresh ${sku}`;
      }
    }
    const catalogue = new Catalogue();
    await expect(catalogue.price('a')).resolves.toBe('fresh a');
    await expect(catalogue.price('bad')).rejects.toThrow(RangeError);
    const held = compartment.tryAcquire()!;
    await expect(catalogue.price('b')).resolves.toBe('stale b');
    held.release();
    expect(catalogue.calls).toBe(2);
  });

  it('an unknown name rejects on the first call of the method', async () => {
    class Orphan {
      @bulkhead('decorated-unknown', { fallback: () => 'fallback' })
      async run(): Promise<string> {
        return 'ran';
      }
    }
    await expect(new Orphan().run()).rejects.toBeInstanceOf(BulkheadNotFoundError);
  });
});

describe('bulkhead() argument validation', () => {
  it('needs a name or a bulkhead', () => {
    expect(() => bulkhead(42 as never)).toThrow(
      new TypeError('bulkhead() needs a bulkhead name or a Bulkhead'),
    );
    expect(() => bulkhead(null as never)).toThrow(TypeError);
    expect(() => bulkhead({ name: 'not a bulkhead' } as never)).toThrow(
      new TypeError('bulkhead() needs a bulkhead name or a Bulkhead'),
    );
  });

  it('validates options, timeout and fallback', () => {
    expect(() => bulkhead('x', 'fast' as never)).toThrow(
      new TypeError('options must be an object, got string "fast"'),
    );
    expect(() => bulkhead('x', { timeout: -1 })).toThrow(
      new RangeError('options.timeout must be >= 0, got -1'),
    );
    expect(() => bulkhead('x', { fallback: 'cached' as never })).toThrow(
      new TypeError('options.fallback must be a function, got string "cached"'),
    );
  });

  it('wraps functions only and decorates methods only', () => {
    const decorate = bulkhead('x') as unknown as (value: unknown, context?: unknown) => unknown;
    expect(() => decorate('not a function')).toThrow(
      new TypeError('bulkhead() can only wrap a function, got string'),
    );
    expect(() => decorate(() => 1, { kind: 'getter', name: 'x' })).toThrow(
      new TypeError('bulkhead() decorates methods only'),
    );
  });
});
