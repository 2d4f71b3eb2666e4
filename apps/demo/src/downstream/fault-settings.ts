/** How a downstream service misbehaves; changeable at run time. */
export interface FaultSettings {
  /** Fixed latency of every response, in ms. */
  latencyMs: number;
  /** Random extra latency, uniformly 0..jitterMs. */
  jitterMs: number;
  /** Probability (0..1) that a response is a 500. */
  errorRate: number;
}

/**
 * Merges a partial update into `current`, validating each field.
 * @throws {RangeError} when a field is negative, not finite, or `errorRate` exceeds 1.
 */
export function mergeFaultSettings(current: FaultSettings, update: Partial<FaultSettings>): FaultSettings {
  const next = { ...current };
  for (const key of ['latencyMs', 'jitterMs', 'errorRate'] as const) {
    const value = update[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${key} must be a finite number >= 0, got ${String(value)}`);
    }
    if (key === 'errorRate' && value > 1) throw new RangeError(`errorRate must be <= 1, got ${value}`);
    next[key] = value;
  }
  return next;
}
