/**
 * Nearest-rank percentile of `sortedValues` (ascending): the smallest value with at least `p`% of
 * the values at or below it. `NaN` for an empty list.
 * @throws {RangeError} when `p` is not within [0, 100].
 */
export function percentile(sortedValues: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`p must be within [0, 100], got ${p}`);
  if (sortedValues.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedValues.length));
  return sortedValues[rank - 1] as number;
}
