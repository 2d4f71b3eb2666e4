import { BulkheadFullError, SemaphoreBulkhead } from '@x/bulkhead-core';
import { Agent, request, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkheadInterceptor } from './bulkhead-interceptor.js';
import { countingBulkhead } from './test-support/counting-bulkhead.js';
import { type StreamingOrigin, startStreamingOrigin } from './test-support/streaming-server.js';

/** A small seeded generator, so a failing soak replays the same sequence. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

let server: StreamingOrigin;
beforeAll(async () => {
  server = await startStreamingOrigin();
});
afterAll(async () => {
  await server.close();
});

describe('bulkheadInterceptor soak', () => {
  it('10k requests with random aborts, unread bodies and rejections leak no permit and release each exactly once', async () => {
    const random = seededRandom(20261201);
    const inner = new SemaphoreBulkhead('soak', { maxConcurrent: 8, maxQueue: 16 });
    const { bulkhead, releases } = countingBulkhead(inner);
    const agent = new Agent({ connections: 16 });
    const dispatcher = agent.compose(
      bulkheadInterceptor({ bulkheadFor: () => bulkhead, timeout: 2_000, bodyIdleTimeout: 5 }),
    );
    const tally = { read: 0, aborted: 0, unread: 0, rejected: 0, other: 0 };
    let next = 0;
    const one = async (): Promise<void> => {
      const id = `s${next++}`;
      const roll = random();
      const controller = new AbortController();
      try {
        if (roll < 0.35) {
          const { body } = await request(`${server.origin}/ok`, { dispatcher });
          await body.text();
          tally.read++;
        } else if (roll < 0.55) {
          const response = await undiciFetch(`${server.origin}/ok`, { dispatcher });
          await response.text();
          tally.read++;
        } else if (roll < 0.7) {
          // Aborted at once: while waiting for a permit, or before the first byte.
          const pending = undiciFetch(`${server.origin}/held/${id}`, {
            dispatcher,
            signal: controller.signal,
          });
          controller.abort();
          await pending;
        } else if (roll < 0.85) {
          // Aborted mid-body.
          const response = await undiciFetch(`${server.origin}/held/${id}`, {
            dispatcher,
            signal: controller.signal,
          });
          controller.abort();
          await response.text();
        } else {
          // Never read: the idle timeout must end it.
          await request(`${server.origin}/held/${id}`, { dispatcher });
          tally.unread++;
        }
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        if (BulkheadFullError.isInstance(error) || BulkheadFullError.isInstance(cause)) tally.rejected++;
        else if ((error as { name?: string }).name === 'AbortError') tally.aborted++;
        else tally.other++;
      }
    };
    const workers = Array.from({ length: 32 }, async () => {
      while (next < 10_000) await one();
    });
    await Promise.all(workers);
    // Unread bodies give their permits back through their idle timers.
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (inner.activeCount === 0 && inner.waitingCount === 0) resolve();
        else setTimeout(check, 5);
      };
      check();
    });
    await agent.destroy();
    expect(tally.read + tally.aborted + tally.unread + tally.rejected + tally.other).toBe(10_000);
    expect(tally.other).toBe(0);
    expect(tally.unread).toBeGreaterThan(0);
    expect(tally.aborted).toBeGreaterThan(0);
    expect(inner.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
    expect(releases.length).toBe(inner.getState().successfulCalls + inner.getState().failedCalls);
    expect(releases.every((count) => count === 1)).toBe(true);
  }, 120_000);
});
