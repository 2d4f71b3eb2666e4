import type { AcquireOptions, Bulkhead, Permit } from '@x/bulkhead-core';

/** A bulkhead whose permits record how often `release()` was called (the real permit is idempotent). */
export interface CountingBulkhead {
  readonly bulkhead: Bulkhead;
  /** One entry per permit handed out: how many times it was released. */
  readonly releases: number[];
}

/** Wraps `inner` so every permit it grants counts its `release()` calls. */
export function countingBulkhead(inner: Bulkhead): CountingBulkhead {
  const releases: number[] = [];
  const bulkhead: Bulkhead = {
    name: inner.name,
    type: inner.type,
    acquire: async (options?: AcquireOptions): Promise<Permit> => {
      const permit = await inner.acquire(options);
      const index = releases.push(0) - 1;
      return {
        get bulkheadName() {
          return permit.bulkheadName;
        },
        get released() {
          return permit.released;
        },
        release(outcome) {
          releases[index] = (releases[index] ?? 0) + 1;
          permit.release(outcome);
        },
        [Symbol.dispose]: () => permit[Symbol.dispose](),
        [Symbol.asyncDispose]: () => permit[Symbol.asyncDispose](),
      };
    },
    execute: (fn, options) => inner.execute(fn, options),
    wrap: (fn, options) => inner.wrap(fn, options),
    getState: () => inner.getState(),
    on: (event, listener) => inner.on(event, listener),
  };
  return { bulkhead, releases };
}
