import { BulkheadTimeoutError, SemaphoreBulkhead } from '@x/bulkhead-core';
import fc from 'fast-check';
import CircuitBreaker from 'opossum';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ComposedPolicy, type ComposedResult, composePolicy } from './composed-policy.js';
import { deferred, flushMicrotasks, signalIgnoringWork, traceOf } from './test-support/compose-test-kit.js';

const policies: ComposedPolicy[] = [];
function policyOf(options: Parameters<typeof composePolicy>[0]): ComposedPolicy {
  const policy = composePolicy({ entitlementCheck: () => true, ...options });
  policies.push(policy);
  return policy;
}
afterEach(() => {
  for (const policy of policies.splice(0)) policy.shutdown();
  vi.useRealTimers();
});

describe('ComposedPolicy timeout: the slot is held until the work really settles', () => {
  it('a function that ignores its signal stays orphaned and keeps its slot; more work than the limit never runs', async () => {
    vi.useFakeTimers();
    const bulkhead = new SemaphoreBulkhead('reports', { maxConcurrent: 2 });
    const policy = policyOf({ bulkhead, timeout: 100, breaker: { errorThresholdPercentage: 100 } });
    const { work, counter, release } = signalIgnoringWork();

    const first = policy.execute(work);
    const second = policy.execute(work);
    await flushMicrotasks();
    expect(counter.running).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    const results = await Promise.all([first, second]);
    expect(results.map((result) => result.outcome)).toEqual(['timeout', 'timeout']);
    expect(results[0]?.outcome !== 'success' && BulkheadTimeoutError.isInstance(results[0]?.error)).toBe(
      true,
    );

    // The callers got their answer, but both slots are still taken by the orphaned work.
    expect(policy.getStatus()).toMatchObject({
      orphanedCount: 2,
      bulkhead: { activeCount: 2, orphanedCount: 2, timedOutCount: 2 },
    });
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await policy.execute(work)).outcome).toBe('rejected');
    }
    expect(counter.started).toBe(2);
    expect(counter.maxRunning).toBe(2);

    release();
    await flushMicrotasks();
    expect(policy.getStatus()).toMatchObject({ orphanedCount: 0, bulkhead: { activeCount: 0 } });
    expect((await policy.execute(async () => 'fresh')).outcome).toBe('success');
  });

  it('reports the released slot of an orphan as a `timeout` call to the bulkhead', async () => {
    vi.useFakeTimers();
    const bulkhead = new SemaphoreBulkhead('traced', { maxConcurrent: 1 });
    const policy = policyOf({ bulkhead, timeout: 50, breaker: false });
    const trace = traceOf(bulkhead);
    const { work, release } = signalIgnoringWork();
    const pending = policy.execute(async (context) => {
      context.signal.addEventListener('abort', () => trace.push('signal:aborted'));
      return work();
    });
    await vi.advanceTimersByTimeAsync(50);
    trace.push(`caller:${(await pending).outcome}`);
    release();
    await flushMicrotasks();
    // At the deadline the signal aborts, the caller gets `timeout`, and only when the work settles is the slot released.
    expect(trace).toEqual([
      'bulkhead:permitted',
      'signal:aborted',
      'caller:timeout',
      'bulkhead:finished:timeout',
    ]);
  });

  it('a function that honours its signal is cancelled at the deadline and frees its slot', async () => {
    vi.useFakeTimers();
    const bulkhead = new SemaphoreBulkhead('cancellable', { maxConcurrent: 1 });
    const policy = policyOf({ bulkhead, timeout: 100 });
    let abortReason: unknown;
    const pending = policy.execute(
      (context) =>
        new Promise<string>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => {
            abortReason = context.signal.reason;
            reject(context.signal.reason);
          });
        }),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect((await pending).outcome).toBe('timeout');
    await flushMicrotasks();
    expect(BulkheadTimeoutError.isInstance(abortReason)).toBe(true);
    expect(policy.getStatus()).toMatchObject({
      orphanedCount: 0,
      bulkhead: { activeCount: 0, timedOutCount: 1 },
    });
  });

  it('a timeout counts as a breaker failure even though the work still runs', async () => {
    vi.useFakeTimers();
    const bulkhead = new SemaphoreBulkhead('slow-dependency', { maxConcurrent: 4 });
    const policy = policyOf({ bulkhead, timeout: 100, breaker: { errorThresholdPercentage: 1 } });
    const { work, release } = signalIgnoringWork();
    const pending = policy.execute(work);
    await vi.advanceTimersByTimeAsync(100);
    expect((await pending).outcome).toBe('timeout');
    expect(policy.getStatus().breaker).toMatchObject({ state: 'open', failures: 1 });
    expect(policy.getStatus().orphanedCount).toBe(1);
    release();
    await flushMicrotasks();
    expect(policy.getStatus().orphanedCount).toBe(0);
  });

  it('contrast: opossum’s own timeout frees its capacity while the action still runs (more work than the limit)', async () => {
    vi.useFakeTimers();
    const { work, counter, release } = signalIgnoringWork();
    const breaker = new CircuitBreaker(work, { capacity: 2, timeout: 100, errorThresholdPercentage: 100 });
    const firstWave = [breaker.fire(), breaker.fire()].map((call) =>
      call.then(
        () => 'resolved',
        (error: Error) => error.message,
      ),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(await Promise.all(firstWave)).toEqual(['Timed out after 100ms', 'Timed out after 100ms']);
    const secondWave = [breaker.fire(), breaker.fire()];
    await flushMicrotasks();
    // opossum admitted two more while the first two are still running: 4 concurrent on a limit of 2.
    expect(counter.running).toBe(4);
    expect(counter.maxRunning).toBe(4);
    release();
    await Promise.all(secondWave);
    breaker.shutdown();
  });

  it('the caller signal is forwarded to the function while it runs', async () => {
    const policy = policyOf({ bulkhead: new SemaphoreBulkhead('forward'), breaker: false });
    const controller = new AbortController();
    const started = deferred();
    const pending = policy.execute(
      (context) =>
        new Promise<string>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason));
          started.resolve();
        }),
      { signal: controller.signal },
    );
    await started.promise;
    const reason = new Error('caller aborted');
    controller.abort(reason);
    expect(await pending).toMatchObject({ outcome: 'failure', error: reason });
  });
});

describe('ComposedPolicy invariants (property)', () => {
  it('never runs more work than the limit, settles every call, and ends with no slot or orphan left', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.constantFrom('ok', 'fail', 'hang-ignoring-signal', 'hang-honouring-signal'), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.boolean(),
        async (maxConcurrent, behaviours, withBreaker) => {
          vi.useFakeTimers();
          try {
            const bulkhead = new SemaphoreBulkhead('property', { maxConcurrent });
            const policy = composePolicy({
              bulkhead,
              timeout: 10,
              entitlementCheck: () => withBreaker,
              breaker: { errorThresholdPercentage: 50 },
            });
            const gate = deferred();
            let running = 0;
            let maxRunning = 0;
            const calls: Array<Promise<ComposedResult<string>>> = [];
            for (const behaviour of behaviours) {
              calls.push(
                policy.execute(async (context) => {
                  running++;
                  maxRunning = Math.max(maxRunning, running);
                  try {
                    if (behaviour === 'fail') throw new Error('fail');
                    if (behaviour === 'hang-ignoring-signal') await gate.promise;
                    if (behaviour === 'hang-honouring-signal') {
                      await new Promise((_resolve, reject) =>
                        context.signal.addEventListener('abort', () => reject(context.signal.reason)),
                      );
                    }
                    return 'ok';
                  } finally {
                    running--;
                  }
                }),
              );
            }
            await vi.advanceTimersByTimeAsync(10);
            const results = await Promise.all(calls);
            expect(maxRunning).toBeLessThanOrEqual(maxConcurrent);
            for (const result of results) {
              expect(['success', 'failure', 'rejected', 'short_circuited', 'timeout']).toContain(
                result.outcome,
              );
            }
            gate.resolve();
            await flushMicrotasks();
            expect(policy.getStatus()).toMatchObject({ orphanedCount: 0, bulkhead: { activeCount: 0 } });
            const outcomes = policy.getStatus().outcomes;
            expect(Object.values(outcomes).reduce((sum, count) => sum + count, 0)).toBe(behaviours.length);
            policy.shutdown();
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
