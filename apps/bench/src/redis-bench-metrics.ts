/** Value at quantile `q` (0-1) of `values` (nearest rank). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Jain's fairness index of `shares`: 1 when equal, 1/n when one takes all. */
export function jainIndex(shares: readonly number[]): number {
  const sum = shares.reduce((total, share) => total + share, 0);
  const squares = shares.reduce((total, share) => total + share * share, 0);
  return squares === 0 ? Number.NaN : (sum * sum) / (shares.length * squares);
}

/** One grant: when its caller asked and when it was granted (epoch ms, same host clock). */
export interface GrantRecord {
  readonly askedAt: number;
  readonly grantedAt: number;
}

/**
 * FIFO violations: grants given to a caller that asked more than `tolerance` ms after another caller that
 * was still waiting (granted later). The tolerance absorbs requests that cross in flight.
 */
export function fifoViolations(grants: readonly GrantRecord[], tolerance = 1): number {
  const byGrant = [...grants].sort((a, b) => a.grantedAt - b.grantedAt);
  let violations = 0;
  let laterMinimum = Number.POSITIVE_INFINITY;
  const minimumAfter: number[] = new Array(byGrant.length);
  for (let index = byGrant.length - 1; index >= 0; index--) {
    minimumAfter[index] = laterMinimum;
    laterMinimum = Math.min(laterMinimum, byGrant[index]?.askedAt ?? laterMinimum);
  }
  byGrant.forEach((grant, index) => {
    if (grant.askedAt > (minimumAfter[index] ?? Number.POSITIVE_INFINITY) + tolerance) violations++;
  });
  return violations;
}

/** A release or a grant of one process (epoch ms). */
export interface HandoffEvent {
  readonly kind: 'release' | 'grant';
  readonly process: number;
  readonly at: number;
}

/** Wake-up latencies: from a release by one process to the next grant in another process (limit 1). */
export function wakeUpLatencies(events: readonly HandoffEvent[]): number[] {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const latencies: number[] = [];
  let lastRelease: HandoffEvent | undefined;
  for (const event of sorted) {
    if (event.kind === 'release') lastRelease = event;
    else {
      if (lastRelease !== undefined && lastRelease.process !== event.process) {
        latencies.push(event.at - lastRelease.at);
      }
      lastRelease = undefined;
    }
  }
  return latencies;
}
