import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred } from '../test-support/stub-thread-pool.js';
import { startMetricsUpdater, stopMetricsUpdater, updateBulkheadMetrics } from './metrics-updater.js';
import { registerBulkheadMetrics } from './register-bulkhead-metrics.js';

afterEach(() => {
  stopMetricsUpdater();
  vi.useRealTimers();
});

async function activeLine(registry: Registry): Promise<string | undefined> {
  return (await registry.metrics()).split('\n').find((line) => line.startsWith('bulkhead_active_calls{'));
}

describe('metrics updater', () => {
  it('updateBulkheadMetrics() samples every live registration', async () => {
    const bulkhead = new SemaphoreBulkhead('db');
    const first = new Registry();
    const second = new Registry();
    const handles = [
      registerBulkheadMetrics({ registry: first, source: [bulkhead], refresh: 'update' }),
      registerBulkheadMetrics({ registry: second, source: [bulkhead], refresh: 'update' }),
    ];
    const gate = deferred();
    const running = bulkhead.execute(() => gate.promise);
    updateBulkheadMetrics();
    gate.resolve();
    await running;
    expect(await activeLine(first)).toBe('bulkhead_active_calls{bulkhead="db",type="semaphore"} 1');
    expect(await activeLine(second)).toBe('bulkhead_active_calls{bulkhead="db",type="semaphore"} 1');
    updateBulkheadMetrics(handles[0]);
    expect(await activeLine(first)).toBe('bulkhead_active_calls{bulkhead="db",type="semaphore"} 0');
    expect(await activeLine(second)).toBe('bulkhead_active_calls{bulkhead="db",type="semaphore"} 1');
    for (const handle of handles) handle.unregister();
  });

  it('startMetricsUpdater() updates at once and then every interval until stopped', async () => {
    vi.useFakeTimers();
    const bulkhead = new SemaphoreBulkhead('db');
    const registry = new Registry();
    const handle = registerBulkheadMetrics({ registry, source: [bulkhead], refresh: 'update' });
    const update = vi.spyOn(handle, 'update');
    const updater = startMetricsUpdater({ interval: 10_000 });
    expect(updater.interval).toBe(10_000);
    expect(update).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(25_000);
    expect(update).toHaveBeenCalledTimes(3);
    expect(() => startMetricsUpdater({ interval: 5 })).toThrow(/already running/);
    expect(() => startMetricsUpdater({ interval: 5 })).toThrow(
      expect.objectContaining({ name: 'BulkheadError', code: 'BULKHEAD_ERROR' }),
    );
    updater.stop();
    vi.advanceTimersByTime(30_000);
    expect(update).toHaveBeenCalledTimes(3);
    expect(stopMetricsUpdater()).toBe(false);
    handle.unregister();
  });

  it('skips registrations that were unregistered', () => {
    const handle = registerBulkheadMetrics({ registry: new Registry(), source: [], refresh: 'update' });
    const update = vi.spyOn(handle, 'update');
    handle.unregister();
    updateBulkheadMetrics();
    expect(update).not.toHaveBeenCalled();
  });

  it('options.interval must be a finite number >= 1', () => {
    expect(() => startMetricsUpdater({ interval: '10' as never })).toThrow(
      new TypeError('options.interval must be a number of milliseconds, got string "10"'),
    );
    expect(() => startMetricsUpdater({ interval: 0 })).toThrow(
      new RangeError('options.interval must be a finite number of milliseconds >= 1, got 0'),
    );
    expect(() => startMetricsUpdater(null as never)).toThrow(
      new TypeError('options must be an object, got null'),
    );
  });

  it('rejects a misspelled option, naming the key and the closest valid name', () => {
    expect(() => startMetricsUpdater({ intervall: 5 } as never)).toThrow(
      new TypeError('options.intervall is not a known option; did you mean interval?'),
    );
    expect(stopMetricsUpdater()).toBe(false);
  });
});
