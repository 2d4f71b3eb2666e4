import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { RegisterBulkheadMetricsOptions } from './prometheus-options.js';
import { registerBulkheadMetrics } from './register-bulkhead-metrics.js';

function attempt(options: Partial<Record<keyof RegisterBulkheadMetricsOptions, unknown>>): () => void {
  return () => registerBulkheadMetrics({ registry: new Registry(), source: [], ...options } as never);
}

describe('registerBulkheadMetrics option validation', () => {
  it('rejects a misspelled option, naming the key and the closest valid name', () => {
    expect(attempt({ prefx: 'app_' } as never)).toThrow(
      new TypeError('options.prefx is not a known option; did you mean prefix?'),
    );
  });
  it('options must be an object', () => {
    expect(() => registerBulkheadMetrics(undefined as never)).toThrow(
      new TypeError('options must be an object, got undefined'),
    );
  });
  it('options.registry must be a prom-client registry', () => {
    expect(attempt({ registry: {} })).toThrow(
      new TypeError('options.registry must be a prom-client Registry, got object'),
    );
  });
  it('options.prefix must be a string', () => {
    expect(attempt({ prefix: 3 })).toThrow(new TypeError('options.prefix must be a string, got number 3'));
  });
  it('options.prefix must be a valid metric name start', () => {
    expect(attempt({ prefix: 'my-app_' })).toThrow(RangeError);
    expect(attempt({ prefix: 'my-app_' })).toThrow(/options\.prefix must match/);
  });
  it('options.labels must hold string values under valid, unreserved names', () => {
    expect(attempt({ labels: 'x' })).toThrow(
      new TypeError('options.labels must be an object of string values, got string "x"'),
    );
    expect(attempt({ labels: { type: 'a' } })).toThrow(
      /options\.labels has an invalid or reserved name 'type'/,
    );
    expect(attempt({ labels: { __meta: 'a' } })).toThrow(RangeError);
    expect(attempt({ labels: { region: 1 } })).toThrow(
      new TypeError('options.labels.region must be a string, got number 1'),
    );
  });
  it('options.source must be a registry or a list of bulkheads with unique names', () => {
    expect(attempt({ source: 42 })).toThrow(
      new TypeError('options.source must be a bulkhead registry or a list of bulkheads, got number 42'),
    );
    expect(attempt({ source: [{}] })).toThrow(/options\.source must contain only bulkheads/);
    expect(attempt({ source: [new SemaphoreBulkhead('a'), new SemaphoreBulkhead('a')] })).toThrow(
      new TypeError("options.source contains two bulkheads named 'a'"),
    );
  });
  it('options.waitBuckets must be ascending positive finite numbers', () => {
    expect(attempt({ waitBuckets: [] })).toThrow(
      new TypeError('options.waitBuckets must be a non-empty array of numbers, got array'),
    );
    expect(attempt({ waitBuckets: [0.1, 0.1] })).toThrow(
      new RangeError('options.waitBuckets must be strictly ascending; 0.1 follows 0.1'),
    );
    expect(attempt({ waitBuckets: [0] })).toThrow(
      new RangeError('options.waitBuckets[0] must be a finite number > 0, got 0'),
    );
  });
  it('options.durationBuckets must be ascending positive finite numbers', () => {
    expect(attempt({ durationBuckets: [1, Number.POSITIVE_INFINITY] })).toThrow(
      new RangeError('options.durationBuckets[1] must be a finite number > 0, got Infinity'),
    );
  });
  it("options.refresh must be 'scrape' or 'update'", () => {
    expect(attempt({ refresh: 'push' })).toThrow(
      new RangeError(`options.refresh must be 'scrape' or 'update', got string "push"`),
    );
  });
  it('options.perKeySeries must be a boolean or { maxKeys } with an integer >= 1', () => {
    expect(attempt({ perKeySeries: 'yes' })).toThrow(
      new TypeError('options.perKeySeries must be a boolean or an object { maxKeys }, got string "yes"'),
    );
    expect(attempt({ perKeySeries: { maxKey: 5 } })).toThrow(
      new TypeError('options.perKeySeries.maxKey is not a known option; did you mean maxKeys?'),
    );
    expect(attempt({ perKeySeries: { maxKeys: 0 } })).toThrow(
      new RangeError('options.perKeySeries.maxKeys must be >= 1, got 0'),
    );
    expect(attempt({ perKeySeries: { maxKeys: Number.POSITIVE_INFINITY } })).toThrow(
      new RangeError('options.perKeySeries.maxKeys must be an integer, got Infinity'),
    );
    expect(attempt({ labels: { partition: 'a' } })).toThrow(/reserved name 'partition'/);
    expect(attempt({ labels: { key: 'a' } })).toThrow(/reserved name 'key'/);
  });
  it('registers the key-labelled families only with perKeySeries', () => {
    const off = registerBulkheadMetrics({ registry: new Registry(), source: [] });
    const on = registerBulkheadMetrics({ registry: new Registry(), source: [], perKeySeries: true });
    expect(off.metricNames.filter((name) => name.startsWith('bulkhead_key_'))).toEqual([]);
    expect(on.metricNames.filter((name) => name.startsWith('bulkhead_key_'))).toEqual([
      'bulkhead_key_active_calls',
      'bulkhead_key_waiting_calls',
      'bulkhead_key_rejected_calls_total',
    ]);
    off.unregister();
    on.unregister();
  });
});
