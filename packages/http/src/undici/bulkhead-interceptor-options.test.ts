import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { bulkheadInterceptor } from './bulkhead-interceptor.js';

const bulkheadFor = () => new SemaphoreBulkhead('options');

describe('bulkheadInterceptor options', () => {
  it('rejects an options value that is not an object', () => {
    expect(() => bulkheadInterceptor(42 as never)).toThrow(
      new TypeError('options must be an object, got number 42'),
    );
  });

  it('rejects unknown keys, naming the closest option', () => {
    expect(() => bulkheadInterceptor({ bodyIdleTimout: 5 } as never)).toThrow(
      new TypeError('options.bodyIdleTimout is not a known option; did you mean bodyIdleTimeout?'),
    );
  });

  it('timeout: a number of milliseconds >= 0 (Infinity allowed)', () => {
    expect(() => bulkheadInterceptor({ bulkheadFor, timeout: -1 })).toThrow(
      new RangeError('options.timeout must be >= 0, got -1'),
    );
    expect(() => bulkheadInterceptor({ bulkheadFor, timeout: '5' as never })).toThrow(TypeError);
    expect(() => bulkheadInterceptor({ bulkheadFor, timeout: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it('bodyIdleTimeout: an integer >= 1', () => {
    expect(() => bulkheadInterceptor({ bulkheadFor, bodyIdleTimeout: 0 })).toThrow(
      new RangeError('options.bodyIdleTimeout must be >= 1, got 0'),
    );
    expect(() => bulkheadInterceptor({ bulkheadFor, bodyIdleTimeout: 1.5 })).toThrow(
      new RangeError('options.bodyIdleTimeout must be an integer, got 1.5'),
    );
  });

  it('bulkheadFor: a function, and not combined with the per-origin sizing options', () => {
    expect(() => bulkheadInterceptor({ bulkheadFor: 'x' as never })).toThrow(
      new TypeError('options.bulkheadFor must be a function, got string "x"'),
    );
    expect(() => bulkheadInterceptor({ bulkheadFor, perOrigin: { maxConcurrent: 2 } })).toThrow(
      /options\.perOrigin sizes the default per-origin compartments/,
    );
  });

  it('bulkheadFor must return a Bulkhead or undefined', () => {
    const interceptor = bulkheadInterceptor({ bulkheadFor: () => ({ name: 'fake' }) as never });
    const dispatch = interceptor(() => true);
    expect(() => dispatch({ origin: 'http://127.0.0.1:1', path: '/', method: 'GET' }, {})).toThrow(
      new TypeError('options.bulkheadFor must return a Bulkhead or undefined for origin http://127.0.0.1:1'),
    );
  });

  it('perOrigin: known keys, maxConcurrent an integer >= 1, maxQueue an integer >= 0 or Infinity', () => {
    expect(() => bulkheadInterceptor({ perOrigin: { maxConcurent: 2 } as never })).toThrow(
      new TypeError('options.perOrigin.maxConcurent is not a known option; did you mean maxConcurrent?'),
    );
    expect(() => bulkheadInterceptor({ perOrigin: { maxConcurrent: 0 } })).toThrow(
      new RangeError('options.perOrigin.maxConcurrent must be >= 1, got 0'),
    );
    expect(() => bulkheadInterceptor({ perOrigin: { maxQueue: -1 } })).toThrow(
      new RangeError('options.perOrigin.maxQueue must be >= 0, got -1'),
    );
  });

  it('maxOrigins and originIdleTimeout: integers >= 1', () => {
    expect(() => bulkheadInterceptor({ maxOrigins: 0 })).toThrow(
      new RangeError('options.maxOrigins must be >= 1, got 0'),
    );
    expect(() => bulkheadInterceptor({ originIdleTimeout: 0 })).toThrow(
      new RangeError('options.originIdleTimeout must be >= 1, got 0'),
    );
  });
});
