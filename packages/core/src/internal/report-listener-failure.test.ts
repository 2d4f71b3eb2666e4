import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeThrown, reportListenerFailure } from './report-listener-failure.js';

afterEach(() => vi.restoreAllMocks());

describe('describeThrown', () => {
  it('names errors and primitives, and never calls into an object it does not trust', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    const lying = Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new Error('no message either');
      },
    });
    expect(describeThrown(new RangeError('bad'))).toBe('RangeError: bad');
    expect(describeThrown('plain text')).toBe('plain text');
    expect(describeThrown(42)).toBe('number 42');
    expect(describeThrown(undefined)).toBe('undefined');
    expect(describeThrown(Symbol('s'))).toBe('a symbol');
    expect(describeThrown(Object.create(null))).toBe('a non-error object');
    expect(describeThrown(hostile)).toBe('a non-error object');
    expect(describeThrown(revoked.proxy)).toBe('a value that cannot be described');
    expect(describeThrown(lying)).toBe('a value that cannot be described');
  });
});

describe('reportListenerFailure', () => {
  it('emits one BulkheadListenerWarning and survives a throwing emitWarning', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    reportListenerFailure('A listener', new Error('oops'));
    expect(warning).toHaveBeenCalledExactlyOnceWith(
      'A listener threw: Error: oops',
      'BulkheadListenerWarning',
    );
    warning.mockImplementation(() => {
      throw new Error('warnings are broken');
    });
    expect(() => reportListenerFailure('A listener', 1)).not.toThrow();
  });
});
