import { BulkheadError } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from './circuit-open-error.js';

describe('CircuitOpenError', () => {
  it('is a BulkheadError with the stable code BULKHEAD_CIRCUIT_OPEN', () => {
    const cause = new Error('Breaker is open');
    const error = new CircuitOpenError({ breakerName: 'payments', state: 'half_open', cause });
    expect(error).toBeInstanceOf(BulkheadError);
    expect(BulkheadError.isInstance(error)).toBe(true);
    expect(CircuitOpenError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'CircuitOpenError',
      code: 'BULKHEAD_CIRCUIT_OPEN',
      breakerName: 'payments',
      state: 'half_open',
      cause,
      message: "Circuit breaker 'payments' is half-open; the call was short-circuited",
    });
  });

  it('is recognised across copies by its Symbol.for marker, and only then', () => {
    const foreign = { [Symbol.for('x.bulkhead.error.CircuitOpenError')]: true };
    expect(CircuitOpenError.isInstance(foreign)).toBe(true);
    expect(CircuitOpenError.isInstance(new BulkheadError('other'))).toBe(false);
    expect(CircuitOpenError.isInstance(null)).toBe(false);
  });
});
