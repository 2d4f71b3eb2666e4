import type { Bulkhead } from '@x/bulkhead-core';
import { describeValue, validateKnownKeys, validateTimeout } from '@x/bulkhead-core/extension';

/** Options of `drain()`. */
export interface DrainOptions {
  /** Milliseconds to wait for in-flight work after admission stops; default 30 000, `Infinity` waits for ever. */
  timeout?: number;
}

/** Outcome of `drain()`. */
export interface DrainResult {
  /** `drained`: all in-flight work finished; `timed_out`: some still runs; `unavailable`: no PRO entitlement. */
  readonly status: 'drained' | 'timed_out' | 'unavailable';
  /** Compartments with calls still in flight when `drain()` resolved. */
  readonly busy: readonly string[];
}

type Closable = Bulkhead & { close(options?: { timeout?: number }): Promise<void> | void };

/** Default milliseconds `drain()` waits for in-flight work. */
export const DEFAULT_DRAIN_TIMEOUT = 30_000;

/**
 * Validates drain options (unknown keys rejected; `timeout: null` is an error, as in `execute()`); returns the
 * timeout in ms.
 * @throws {TypeError | RangeError} naming the option.
 */
export function drainTimeout(options: DrainOptions): number {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  validateKnownKeys(options, ['timeout']);
  return options.timeout === undefined ? DEFAULT_DRAIN_TIMEOUT : validateTimeout('timeout', options.timeout);
}

/**
 * Closes every bulkhead (queued calls reject with `BulkheadClosedError` at once, new calls are refused)
 * and waits up to `timeout` ms for in-flight calls to finish.
 */
export async function drainBulkheads(bulkheads: readonly Bulkhead[], timeout: number): Promise<DrainResult> {
  const closes = bulkheads.map((bulkhead) => {
    const close = (bulkhead as Partial<Closable>).close;
    if (typeof close !== 'function') return Promise.resolve();
    return Promise.resolve()
      .then(() => close.call(bulkhead, { timeout }))
      .catch(() => undefined);
  });
  const allClosed = Promise.all(closes).then(() => 'drained' as const);
  let timer: NodeJS.Timeout | undefined;
  const status =
    timeout === Number.POSITIVE_INFINITY
      ? await allClosed
      : await Promise.race([
          allClosed,
          new Promise<'timed_out'>((resolve) => {
            timer = setTimeout(() => resolve('timed_out'), timeout);
          }),
        ]);
  if (timer !== undefined) clearTimeout(timer);
  const busy = bulkheads
    .filter((bulkhead) => bulkhead.getState().activeCount > 0)
    .map((bulkhead) => bulkhead.name);
  return Object.freeze({ status, busy: Object.freeze(busy) });
}
