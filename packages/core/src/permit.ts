/**
 * The right to run one call inside a bulkhead. `release()` is idempotent; the permit is also
 * disposable, so `await using permit = await bulkhead.acquire({ timeout: 5000 })` releases it.
 */
export interface Permit extends Disposable, AsyncDisposable {
  /** Name of the bulkhead that granted it. */
  readonly bulkheadName: string;
  /** True once released. */
  readonly released: boolean;
  /** Returns the slot; later calls do nothing. Pass `outcome` to report how the call ended (default success). */
  release(outcome?: 'success' | 'failure' | 'timeout'): void;
}
