import { describe, expect, it } from 'vitest';
import { CallOptionReader } from './call-option-reader.js';

const KEYS = ['timeout', 'signal', 'priority', 'partition'] as const;

describe('CallOptionReader', () => {
  it('reads timeout, signal and priority, and forgets them at the next read', () => {
    const reader = new CallOptionReader(KEYS);
    const { signal } = new AbortController();
    reader.read({ timeout: 50, signal, priority: 'high' });
    expect([reader.timeout, reader.signal, reader.level]).toEqual([50, signal, 2]);
    reader.read(undefined);
    expect([reader.timeout, reader.signal, reader.level]).toEqual([undefined, undefined, 1]);
  });

  it('names an unknown key, with the closest known one', () => {
    const reader = new CallOptionReader(KEYS);
    expect(() => reader.checkKeys({ timout: 5 })).toThrow(
      new TypeError('options.timout is not a known option; did you mean timeout?'),
    );
    expect(() => reader.checkKeys('fast')).toThrow(TypeError);
    expect(() => reader.checkKeys(undefined)).not.toThrow();
  });

  it('names the invalid option', () => {
    const reader = new CallOptionReader(KEYS);
    expect(() => reader.read({ timeout: -1 })).toThrow(
      new RangeError('options.timeout must be >= 0, got -1'),
    );
    expect(() => reader.read({ signal: {} as AbortSignal })).toThrow(
      /options\.signal must be an AbortSignal/,
    );
    expect(() => reader.read({ priority: 'urgent' as 'high' })).toThrow(/options\.priority must be one of/);
  });

  it('walks the keys of an options object once while it is passed again and again', () => {
    const reader = new CallOptionReader(KEYS);
    const options: Record<string, unknown> = { partition: 'live' };
    expect(reader.hasOnlyKnownKeys(options)).toBe(true);
    options.misspelled = true;
    // The object checked last is trusted (as SemaphoreBulkhead does); another object is walked.
    expect(reader.hasOnlyKnownKeys(options)).toBe(true);
    expect(reader.hasOnlyKnownKeys({ misspelled: true })).toBe(false);
  });
});
