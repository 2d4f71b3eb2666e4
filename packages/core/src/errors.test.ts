import { describe, expect, it, vi } from 'vitest';
import {
  BulkheadClosedError,
  BulkheadError,
  BulkheadFullError,
  BulkheadNotFoundError,
  BulkheadTimeoutError,
  SemaphoreBulkhead,
} from './index.js';

/** What a second installed copy of core would produce: a different class, the same `Symbol.for` markers. */
function foreignError(markerNames: readonly string[], fields: Record<string, unknown> = {}): object {
  const error = new Error('from another copy of core');
  Object.assign(error, fields);
  for (const name of markerNames) {
    Object.defineProperty(error, Symbol.for(name), { value: true, enumerable: true });
  }
  return error;
}

const fullDetails = {
  bulkheadName: 'payments',
  maxConcurrent: 4,
  activeCount: 4,
  reason: 'queue_full',
} as const;

describe('BulkheadError', () => {
  it('defaults to code BULKHEAD_ERROR and keeps the cause', () => {
    const cause = new Error('root');
    const error = new BulkheadError('boom', undefined, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('BulkheadError');
    expect(error.message).toBe('boom');
    expect(error.code).toBe('BULKHEAD_ERROR');
    expect(error.cause).toBe(cause);
    expect('cause' in new BulkheadError('no cause')).toBe(false);
  });

  it('accepts an explicit code', () => {
    expect(new BulkheadError('x', 'BULKHEAD_FULL').code).toBe('BULKHEAD_FULL');
  });
});

describe('BulkheadFullError', () => {
  it('carries its facts, code and a queue_full message', () => {
    const error = new BulkheadFullError(fullDetails);
    expect(error).toBeInstanceOf(BulkheadError);
    expect(error.name).toBe('BulkheadFullError');
    expect(error.code).toBe('BULKHEAD_FULL');
    expect(error.bulkheadName).toBe('payments');
    expect(error.maxConcurrent).toBe(4);
    expect(error.activeCount).toBe(4);
    expect(error.reason).toBe('queue_full');
    expect(error.message).toBe("Bulkhead 'payments' is full (4/4 active, reason queue_full)");
  });

  it('words a queue_timeout rejection differently', () => {
    const error = new BulkheadFullError({ ...fullDetails, reason: 'queue_timeout', activeCount: 3 });
    expect(error.reason).toBe('queue_timeout');
    expect(error.message).toBe(
      "Bulkhead 'payments' is full: no permit became free before the wait timed out (3/4 active)",
    );
  });
});

describe('BulkheadTimeoutError', () => {
  it('carries name, timeout, code and message', () => {
    const error = new BulkheadTimeoutError({ bulkheadName: 'reports', timeout: 250 });
    expect(error.name).toBe('BulkheadTimeoutError');
    expect(error.code).toBe('BULKHEAD_TIMEOUT');
    expect(error.bulkheadName).toBe('reports');
    expect(error.timeout).toBe(250);
    expect(error.message).toBe("Call in bulkhead 'reports' timed out after 250 ms");
  });
});

describe('BulkheadNotFoundError', () => {
  it('lists the registered names in its message and as a frozen copy', () => {
    const names = ['payments', 'search'];
    const error = new BulkheadNotFoundError({ bulkheadName: 'paymnets', registeredNames: names });
    names.push('mutated later');
    expect(error.name).toBe('BulkheadNotFoundError');
    expect(error.code).toBe('BULKHEAD_NOT_FOUND');
    expect(error.bulkheadName).toBe('paymnets');
    expect(error.registeredNames).toEqual(['payments', 'search']);
    expect(Object.isFrozen(error.registeredNames)).toBe(true);
    expect(error.message).toBe(
      "Bulkhead 'paymnets' not found; registered bulkheads: payments, search. Provision it with register() or getOrCreate() first.",
    );
  });

  it('says (none) when nothing is registered', () => {
    const error = new BulkheadNotFoundError({ bulkheadName: 'x', registeredNames: [] });
    expect(error.message).toContain('registered bulkheads: (none).');
  });
});

describe('BulkheadClosedError', () => {
  it('has reason shutdown, code and message', () => {
    const error = new BulkheadClosedError({ bulkheadName: 'payments' });
    expect(error.name).toBe('BulkheadClosedError');
    expect(error.code).toBe('BULKHEAD_CLOSED');
    expect(error.reason).toBe('shutdown');
    expect(error.bulkheadName).toBe('payments');
    expect(error.message).toBe("Bulkhead 'payments' is closed and admits no new calls");
  });
});

describe('isInstance', () => {
  const samples = {
    full: new BulkheadFullError(fullDetails),
    timeout: new BulkheadTimeoutError({ bulkheadName: 'a', timeout: 1 }),
    notFound: new BulkheadNotFoundError({ bulkheadName: 'a', registeredNames: [] }),
    closed: new BulkheadClosedError({ bulkheadName: 'a' }),
  };

  it('recognises each class and only its own kind; the base recognises all', () => {
    expect(BulkheadFullError.isInstance(samples.full)).toBe(true);
    expect(BulkheadTimeoutError.isInstance(samples.timeout)).toBe(true);
    expect(BulkheadNotFoundError.isInstance(samples.notFound)).toBe(true);
    expect(BulkheadClosedError.isInstance(samples.closed)).toBe(true);
    expect(BulkheadFullError.isInstance(samples.timeout)).toBe(false);
    expect(BulkheadTimeoutError.isInstance(samples.full)).toBe(false);
    expect(BulkheadNotFoundError.isInstance(samples.closed)).toBe(false);
    expect(BulkheadClosedError.isInstance(samples.notFound)).toBe(false);
    for (const error of Object.values(samples)) expect(BulkheadError.isInstance(error)).toBe(true);
    expect(BulkheadError.isInstance(new BulkheadError('base'))).toBe(true);
  });

  it('rejects non-errors and look-alikes without the marker', () => {
    for (const value of [
      undefined,
      null,
      0,
      'BulkheadFullError',
      new Error('plain'),
      { code: 'BULKHEAD_FULL' },
    ]) {
      expect(BulkheadError.isInstance(value)).toBe(false);
      expect(BulkheadFullError.isInstance(value)).toBe(false);
    }
    const falsyMarker = { [Symbol.for('x.bulkhead.error')]: 'yes' };
    expect(BulkheadError.isInstance(falsyMarker)).toBe(false);
  });

  it('recognises an error from a simulated second copy of core (Symbol.for markers, another class)', () => {
    const foreign = foreignError(['x.bulkhead.error', 'x.bulkhead.error.BulkheadFullError'], {
      code: 'BULKHEAD_FULL',
      reason: 'queue_full',
    });
    expect(foreign instanceof BulkheadFullError).toBe(false);
    expect(BulkheadFullError.isInstance(foreign)).toBe(true);
    expect(BulkheadError.isInstance(foreign)).toBe(true);
    expect(BulkheadTimeoutError.isInstance(foreign)).toBe(false);
  });

  it('recognises errors of a second, freshly loaded module instance of core', async () => {
    vi.resetModules();
    const secondCopy = await import('./errors.js');
    expect(secondCopy.BulkheadFullError).not.toBe(BulkheadFullError);
    const error = new secondCopy.BulkheadFullError(fullDetails);
    expect(error instanceof BulkheadFullError).toBe(false);
    expect(BulkheadFullError.isInstance(error)).toBe(true);
    expect(BulkheadError.isInstance(error)).toBe(true);
    expect(secondCopy.BulkheadNotFoundError.isInstance(samples.notFound)).toBe(true);
  });
});

describe('stack capture of rejections', () => {
  function stackFrames(error: Error): string[] {
    return (error.stack ?? '').split('\n').filter((line) => line.trim().startsWith('at '));
  }

  it('errors built directly capture a stack', () => {
    expect(stackFrames(new BulkheadFullError(fullDetails)).length).toBeGreaterThan(0);
  });

  it('rejections are stackless by default and Error.stackTraceLimit is restored', async () => {
    const limit = Error.stackTraceLimit;
    const bulkhead = new SemaphoreBulkhead('stackless', { maxConcurrent: 1 });
    const held = bulkhead.tryAcquire();
    const error = await bulkhead.acquire().catch((caught: unknown) => caught);
    expect(BulkheadFullError.isInstance(error)).toBe(true);
    expect(stackFrames(error as Error)).toEqual([]);
    expect(Error.stackTraceLimit).toBe(limit);
    held?.release();
    await bulkhead.close();
    const closed = await bulkhead.acquire().catch((caught: unknown) => caught);
    expect(BulkheadClosedError.isInstance(closed)).toBe(true);
    expect(stackFrames(closed as Error)).toEqual([]);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it('captureStackTrace: true gives rejections a stack', async () => {
    const bulkhead = new SemaphoreBulkhead('with-stack', { maxConcurrent: 1, captureStackTrace: true });
    const held = bulkhead.tryAcquire();
    const error = await bulkhead.acquire().catch((caught: unknown) => caught);
    expect(stackFrames(error as Error).length).toBeGreaterThan(0);
    held?.release();
    await bulkhead.close();
    const closed = await bulkhead.acquire().catch((caught: unknown) => caught);
    expect(stackFrames(closed as Error).length).toBeGreaterThan(0);
  });
});
