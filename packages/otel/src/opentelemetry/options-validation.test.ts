import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { instrumentBulkheads } from './instrument-bulkheads.js';
import { registerBulkheadOtelMetrics } from './register-bulkhead-otel-metrics.js';

describe('registerBulkheadOtelMetrics option validation', () => {
  it('rejects a misspelled option, naming the key and the closest valid name', () => {
    expect(() => registerBulkheadOtelMetrics({ histogram: false, source: [] } as never)).toThrow(
      new TypeError('options.histogram is not a known option; did you mean histograms?'),
    );
  });
  it('options must be an object', () => {
    expect(() => registerBulkheadOtelMetrics('x' as never)).toThrow(
      new TypeError('options must be an object, got string "x"'),
    );
  });
  it('options.meter must be a Meter', () => {
    expect(() => registerBulkheadOtelMetrics({ meter: {} as never, source: [] })).toThrow(
      new TypeError('options.meter must be an OpenTelemetry Meter, got object'),
    );
  });
  it('options.attributes must not reuse the bulkhead attribute names', () => {
    expect(() => registerBulkheadOtelMetrics({ attributes: { 'bulkhead.name': 'x' }, source: [] })).toThrow(
      /options\.attributes has an invalid or reserved name 'bulkhead\.name'/,
    );
    expect(() => registerBulkheadOtelMetrics({ attributes: { region: 5 as never }, source: [] })).toThrow(
      new TypeError('options.attributes.region must be a string, got number 5'),
    );
  });
  it('options.perKeySeries must be a boolean or { maxKeys } with an integer >= 1', () => {
    expect(() => registerBulkheadOtelMetrics({ perKeySeries: 1 as never, source: [] })).toThrow(
      new TypeError('options.perKeySeries must be a boolean or an object { maxKeys }, got number 1'),
    );
    expect(() => registerBulkheadOtelMetrics({ perKeySeries: { max: 5 } as never, source: [] })).toThrow(
      /^options\.perKeySeries\.max is not a known option/,
    );
    expect(() => registerBulkheadOtelMetrics({ perKeySeries: { maxKeys: 2.5 }, source: [] })).toThrow(
      new RangeError('options.perKeySeries.maxKeys must be an integer, got 2.5'),
    );
    expect(() =>
      registerBulkheadOtelMetrics({ attributes: { 'bulkhead.partition': 'x' }, source: [] }),
    ).toThrow(/reserved name 'bulkhead\.partition'/);
  });
  it('options.source must be a registry or a list', () => {
    expect(() => registerBulkheadOtelMetrics({ source: 'db' as never })).toThrow(
      new TypeError('options.source must be a bulkhead registry or a list of bulkheads, got string "db"'),
    );
  });
  it('options.waitBuckets and options.durationBuckets must be valid bounds', () => {
    expect(() => registerBulkheadOtelMetrics({ waitBuckets: [2, 1], source: [] })).toThrow(
      new RangeError('options.waitBuckets must be strictly ascending; 1 follows 2'),
    );
    expect(() => registerBulkheadOtelMetrics({ durationBuckets: [-1], source: [] })).toThrow(
      new RangeError('options.durationBuckets[0] must be a finite number > 0, got -1'),
    );
  });
});

describe('registerBulkheadOtelMetrics histograms option', () => {
  it('options.histograms must be a boolean', () => {
    expect(() => registerBulkheadOtelMetrics({ histograms: 'no' as never, source: [] })).toThrow(
      new TypeError('options.histograms must be a boolean, got string "no"'),
    );
  });
});

describe('instrumentBulkheads option validation', () => {
  it('options must be an object, not a list of bulkheads', () => {
    expect(() => instrumentBulkheads(null as never)).toThrow(
      new TypeError('options must be an object, got null'),
    );
    expect(() => instrumentBulkheads([new SemaphoreBulkhead('listed')] as never)).toThrow(
      new TypeError('options.0 is not a known option (known options: tracer, source, mode)'),
    );
  });
  it('rejects a misspelled option, naming the key and the closest valid name', () => {
    expect(() => instrumentBulkheads({ mdoe: 'child-span', source: [] } as never)).toThrow(
      new TypeError('options.mdoe is not a known option; did you mean mode?'),
    );
  });
  it('options.tracer must be a Tracer', () => {
    expect(() => instrumentBulkheads({ tracer: {} as never, source: [] })).toThrow(
      new TypeError('options.tracer must be an OpenTelemetry Tracer, got object'),
    );
  });
  it("options.mode must be 'active-span' or 'child-span'", () => {
    expect(() => instrumentBulkheads({ mode: 'span' as never, source: [] })).toThrow(
      new RangeError(`options.mode must be 'active-span' or 'child-span', got string "span"`),
    );
  });
  it('options.source must be a registry or a list', () => {
    expect(() => instrumentBulkheads({ source: null as never })).toThrow(
      new TypeError('options.source must be a bulkhead registry or a list of bulkheads, got null'),
    );
  });
});
