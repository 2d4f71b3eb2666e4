import type { CircuitOpenState } from './circuit-open-error.js';

/**
 * The parts of an opossum `CircuitBreaker` the composer exposes (a structural view, so the
 * public types do not depend on opossum's typings). Use it to subscribe to breaker events or to
 * open/close the breaker by hand.
 */
export interface CircuitBreakerView {
  readonly name: string;
  readonly enabled: boolean;
  readonly closed: boolean;
  readonly opened: boolean;
  readonly halfOpen: boolean;
  readonly pendingClose: boolean;
  readonly isShutdown: boolean;
  readonly stats: {
    readonly fires: number;
    readonly successes: number;
    readonly failures: number;
    readonly rejects: number;
  };
  /** Subscribes to an opossum event (`open`, `halfOpen`, `close`, `success`, `failure`, `reject`, ...). */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Opens the breaker now. */
  open(): void;
  /** Closes the breaker now. */
  close(): void;
}

/** Breaker part of `ComposedPolicy.getStatus()`. */
export interface BreakerStatus {
  readonly name: string;
  readonly state: 'closed' | CircuitOpenState | 'disabled';
  readonly fires: number;
  readonly successes: number;
  readonly failures: number;
  readonly rejects: number;
}

/** Reads a breaker's state and rolling-window counters. */
export function readBreakerStatus(breaker: CircuitBreakerView): BreakerStatus {
  const stats = breaker.stats;
  return {
    name: breaker.name,
    state: breaker.isShutdown
      ? 'shutdown'
      : !breaker.enabled
        ? 'disabled'
        : breaker.opened
          ? 'open'
          : breaker.halfOpen
            ? 'half_open'
            : 'closed',
    fires: stats.fires,
    successes: stats.successes,
    failures: stats.failures,
    rejects: stats.rejects,
  };
}

/**
 * The state that would make `breaker.fire()` reject right now, or `undefined` when it would run
 * the action (mirrors opossum: closed, disabled, or half-open with the trial still free).
 */
export function breakerRefusal(breaker: CircuitBreakerView): CircuitOpenState | undefined {
  if (breaker.isShutdown) return 'shutdown';
  if (!breaker.enabled || breaker.closed || breaker.pendingClose) return undefined;
  return breaker.halfOpen ? 'half_open' : 'open';
}
