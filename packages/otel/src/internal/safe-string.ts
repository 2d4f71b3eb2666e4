import { describeValue } from '@x/bulkhead-core/extension';

/**
 * `String(value)`, or the value's kind (`object`, ...) when converting it throws: a thrown
 * `Object.create(null)` or an object whose `toString` throws must never replace the original failure.
 */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return describeValue(value);
  }
}
