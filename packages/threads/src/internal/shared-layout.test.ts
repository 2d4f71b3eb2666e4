import { describe, expect, it } from 'vitest';
import {
  ACTIVE,
  byteLengthFor,
  CLOSED,
  HOLDER_CAPACITY,
  HOLDERS_START,
  holderIndex,
  LAST_REJECTION_BIGINT_INDEX,
  LIMIT,
  REJECTED,
  SIGNAL,
  SLEEPERS,
  VERSION,
  WAITING,
} from './shared-layout.js';

describe('SharedBulkhead memory layout', () => {
  it('gives every header field its own Int32 cells, before the holder slots', () => {
    const lastRejection = [LAST_REJECTION_BIGINT_INDEX * 2, LAST_REJECTION_BIGINT_INDEX * 2 + 1];
    const cells = [
      LIMIT,
      ACTIVE,
      WAITING,
      REJECTED,
      CLOSED,
      SIGNAL,
      HOLDER_CAPACITY,
      VERSION,
      SLEEPERS,
      ...lastRejection,
    ];
    expect(new Set(cells).size).toBe(cells.length);
    expect(Math.max(...cells)).toBeLessThan(HOLDERS_START);
  });

  it('sizes the buffer for the holder slots', () => {
    expect(byteLengthFor(2)).toBe((holderIndex(1) + 4) * 4);
  });
});
