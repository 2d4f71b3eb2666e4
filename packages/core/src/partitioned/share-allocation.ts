/** Tolerance for floating-point shares such as 0.7 + 0.2 + 0.1. */
const EPSILON = 1e-9;

/**
 * Turns fractional shares into whole guaranteed permits of `limit` (largest-remainder rounding):
 * each partition gets `floor(limit * share)`; every partition with a share > 0 gets at least 1; the
 * permits left of `floor(limit * sum of shares)` go one each to the largest fractional remainders (ties:
 * the larger share, then declaration order). The result never sums above `limit`.
 * @throws {RangeError} when more partitions have a share > 0 than `limit` permits.
 */
export function allocateGuaranteedPermits(limit: number, shares: readonly number[]): number[] {
  const positive = shares.filter((share) => share > 0).length;
  if (positive > limit) {
    throw new RangeError(
      `options.maxConcurrent must be >= the number of partitions with a share > 0 (${positive}), got ${limit}`,
    );
  }
  const total = shares.reduce((sum, share) => sum + share, 0);
  const target = Math.min(limit, Math.floor(limit * total + EPSILON));
  const quotas = shares.map((share) => limit * share);
  const permits = quotas.map((quota) => Math.floor(quota + EPSILON));
  const bumped = shares.map((share, index) => share > 0 && permits[index] === 0);
  for (let index = 0; index < permits.length; index++) if (bumped[index]) permits[index] = 1;
  let assigned = permits.reduce((sum, count) => sum + count, 0);
  if (assigned < target) {
    const order = indexesBy(shares, (a, b) => remainder(quotas[b]!) - remainder(quotas[a]!));
    for (const index of order) {
      if (assigned >= target) break;
      if (bumped[index]) continue;
      permits[index]!++;
      assigned++;
    }
  }
  // The minimum of 1 can overshoot the target: take back from the largest allocations (never below 1).
  while (assigned > Math.max(target, positive)) {
    let largest = -1;
    for (let index = 0; index < permits.length; index++) {
      if (permits[index]! > 1 && (largest === -1 || permits[index]! >= permits[largest]!)) largest = index;
    }
    if (largest === -1) break;
    permits[largest]!--;
    assigned--;
  }
  return permits;
}

function remainder(quota: number): number {
  const fraction = quota - Math.floor(quota + EPSILON);
  return fraction < EPSILON ? 0 : fraction;
}

/** Indexes sorted by `compare`, ties broken by the larger share, then declaration order. */
function indexesBy(shares: readonly number[], compare: (a: number, b: number) => number): number[] {
  const indexes = shares.map((_, index) => index);
  return indexes.sort((a, b) => compare(a, b) || shares[b]! - shares[a]! || a - b);
}
