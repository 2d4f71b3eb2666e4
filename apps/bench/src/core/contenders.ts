import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { Sema } from 'async-sema';
import { bulkhead as cockatielBulkhead, timeout as cockatielTimeout, TimeoutStrategy, wrap } from 'cockatiel';
import pLimit from 'p-limit';
import { withTimeout } from './with-timeout.js';

/** The unit of work every contender protects. */
export type Task = () => Promise<unknown>;

/** How a limiter is configured for one scenario. */
export interface LimiterSetup {
  /** Concurrent slots. */
  limit: number;
  /** Per-waiter timeout in ms; omitted: wait without any timeout. */
  timeout?: number;
  /** Bound on waiters (rejection scenario); omitted: unbounded. */
  maxQueue?: number;
  /** Whether our rejections capture a stack trace (ignored by peers). */
  captureStackTrace?: boolean;
}

/** One configured limiter: `run(task)` resolves with the task's result once it ran inside a slot. */
export interface Limiter {
  run(task: Task): Promise<unknown>;
  /** Releases timers the limiter may keep. */
  dispose(): Promise<void>;
}

/** Whether a contender is us, a peer we must beat, or the unprotected baseline. */
export type ContenderKind = 'ours' | 'peer' | 'baseline';

/** A library (or the bare baseline) under test. */
export interface Contender {
  readonly name: string;
  readonly kind: ContenderKind;
  /** How a per-waiter timeout is obtained; printed under the timeout tables. */
  readonly timeoutNote: string;
  /** Whether it can bound its queue and reject (rejection scenario). */
  readonly rejects: boolean;
  create(setup: LimiterSetup): Limiter;
}

const disposeNothing = (): Promise<void> => Promise.resolve();

/** The bare `await fn()`: no limit at all. */
export const bareContender: Contender = {
  name: 'bare await fn()',
  kind: 'baseline',
  timeoutNote: 'no limiter, no timeout',
  rejects: false,
  create: () => ({ run: (task) => task(), dispose: disposeNothing }),
};

/** `SemaphoreBulkhead.execute` with `timeout: Infinity` (wait, no timer) or the scenario's timeout. */
export const oursContender: Contender = {
  name: '@x/bulkhead-core',
  kind: 'ours',
  timeoutNote: 'native: execute(fn, { timeout: 30000 }), one timer per bulkhead',
  rejects: true,
  create: (setup) => {
    const bulkhead = new SemaphoreBulkhead('bench', {
      maxConcurrent: setup.limit,
      ...(setup.maxQueue === undefined ? {} : { maxQueue: setup.maxQueue }),
      ...(setup.captureStackTrace === undefined ? {} : { captureStackTrace: setup.captureStackTrace }),
    });
    const options = { timeout: setup.timeout ?? Number.POSITIVE_INFINITY };
    return { run: (task) => bulkhead.execute(task, options), dispose: () => bulkhead.close() };
  },
};

/** p-limit 6: no queue bound, no per-waiter timeout (emulated with one timer per call). */
export const pLimitContender: Contender = {
  name: 'p-limit',
  kind: 'peer',
  timeoutNote: 'no per-waiter timeout: user-land race with one setTimeout per call (waiter stays queued)',
  rejects: false,
  create: (setup) => {
    const limit = pLimit(setup.limit);
    const { timeout } = setup;
    const run =
      timeout === undefined ? (task: Task) => limit(task) : (task: Task) => withTimeout(limit(task), timeout);
    return { run, dispose: disposeNothing };
  },
};

/** async-sema 3: `acquire()`/`release()` around the task, the usage its README shows. */
export const asyncSemaContender: Contender = {
  name: 'async-sema',
  kind: 'peer',
  timeoutNote: 'no per-waiter timeout: user-land race with one setTimeout per call (waiter stays queued)',
  rejects: false,
  create: (setup) => {
    const sema = new Sema(setup.limit);
    const execute = async (task: Task): Promise<unknown> => {
      await sema.acquire();
      try {
        return await task();
      } finally {
        sema.release();
      }
    };
    const { timeout } = setup;
    const run = timeout === undefined ? execute : (task: Task) => withTimeout(execute(task), timeout);
    return { run, dispose: disposeNothing };
  },
};

/** cockatiel 3 `bulkhead(limit, queue)`; timeouts via `wrap(timeout(30000, Aggressive), bulkhead)`. */
export const cockatielContender: Contender = {
  name: 'cockatiel bulkhead',
  kind: 'peer',
  timeoutNote:
    'no per-waiter timeout: wrap(timeout(30000, Aggressive), bulkhead), one timer + AbortController per call',
  rejects: true,
  create: (setup) => {
    const policy = cockatielBulkhead(setup.limit, setup.maxQueue ?? Number.POSITIVE_INFINITY);
    if (setup.timeout === undefined) {
      return { run: (task) => policy.execute(task), dispose: disposeNothing };
    }
    const timed = wrap(cockatielTimeout(setup.timeout, TimeoutStrategy.Aggressive), policy);
    return { run: (task) => timed.execute(task), dispose: disposeNothing };
  },
};

/** Every limiter under test, ours first. */
export const limiterContenders: readonly Contender[] = [
  oursContender,
  pLimitContender,
  asyncSemaContender,
  cockatielContender,
];
