import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, QUICK_OVERRIDES } from '../config.js';
import { helpText, parseCliOptions } from './parse-options.js';

function config(argv: string[]) {
  const request = parseCliOptions(argv);
  if (request.kind !== 'run') throw new Error('expected a run request');
  return request.config;
}

describe('parseCliOptions', () => {
  it('returns the defaults without arguments', () => {
    expect(config([])).toEqual(DEFAULT_CONFIG);
  });

  it('recognises --help and -h', () => {
    expect(parseCliOptions(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliOptions(['-h'])).toEqual({ kind: 'help' });
  });

  it('applies --quick, and explicit options win over it', () => {
    expect(config(['--quick'])).toEqual({ ...DEFAULT_CONFIG, ...QUICK_OVERRIDES });
    expect(config(['--quick', '--hang-seconds', '7']).hangSeconds).toBe(7);
  });

  it('reads every knob', () => {
    const parsed = config([
      '--healthy-seconds=2',
      '--hang-seconds=3.5',
      '--recovered-seconds=4',
      '--base-latency=20',
      '--jitter=0',
      '--hang-latency=9000',
      '--rate=25',
      '--cpu-rate=0',
      '--cpu-iterations=1000',
      '--payment-size=4',
      '--user-size=5',
      '--inventory-size=6',
      '--queue-size=0',
      '--queue-timeout=10',
      '--cpu-workers=2',
      '--pool-size=32',
      '--downstream-timeout=1000',
      '--client-timeout=2000',
      '--max-requests=100',
      '--port=0',
      '--output=out/report.html',
      '--only=shared',
      '--pro',
      '--operator-payment-size=2',
      '--breaker-reset=500',
      '--drain-timeout=0',
      '--adaptive-seconds=0',
      '--adaptive-rate=50',
      '--user-capacity=8',
      '--flood-seconds=0',
      '--flood-workers=20',
      '--live-rate=40',
    ]);
    expect(parsed).toEqual({
      healthySeconds: 2,
      hangSeconds: 3.5,
      recoveredSeconds: 4,
      baseLatencyMs: 20,
      jitterMs: 0,
      hangLatencyMs: 9000,
      rate: 25,
      cpuRate: 0,
      cpuIterations: 1000,
      paymentSize: 4,
      userSize: 5,
      inventorySize: 6,
      queueSize: 0,
      queueTimeoutMs: 10,
      cpuWorkers: 2,
      poolSize: 32,
      downstreamTimeoutMs: 1000,
      clientTimeoutMs: 2000,
      maxRequests: 100,
      port: 0,
      outputPath: 'out/report.html',
      modes: ['shared'],
      pro: true,
      operatorPaymentSize: 2,
      breakerResetMs: 500,
      drainTimeoutMs: 0,
      adaptiveSeconds: 0,
      adaptiveRate: 50,
      userCapacity: 8,
      floodSeconds: 0,
      floodWorkers: 20,
      liveRate: 40,
    });
  });

  it.each([
    ['--healthy-seconds', '0.1', RangeError, '--healthy-seconds must be >= 0.5, got 0.1'],
    ['--hang-seconds', 'x', TypeError, '--hang-seconds must be a number, got "x"'],
    ['--recovered-seconds', '0', RangeError, '--recovered-seconds must be >= 0.5, got 0'],
    ['--base-latency', '-1', RangeError, '--base-latency must be >= 0, got -1'],
    ['--jitter', '', TypeError, '--jitter must be a number, got ""'],
    ['--hang-latency', 'Infinity', TypeError, '--hang-latency must be a number, got "Infinity"'],
    ['--rate', '0', RangeError, '--rate must be >= 0.1, got 0'],
    ['--cpu-rate', '-2', RangeError, '--cpu-rate must be >= 0, got -2'],
    ['--cpu-iterations', '1.5', TypeError, '--cpu-iterations must be an integer, got "1.5"'],
    ['--payment-size', '0', RangeError, '--payment-size must be >= 1, got 0'],
    ['--user-size', 'many', TypeError, '--user-size must be an integer, got "many"'],
    ['--inventory-size', '0', RangeError, '--inventory-size must be >= 1, got 0'],
    ['--queue-size', '-1', RangeError, '--queue-size must be >= 0, got -1'],
    ['--queue-timeout', '-5', RangeError, '--queue-timeout must be >= 0, got -5'],
    ['--cpu-workers', '0', RangeError, '--cpu-workers must be >= 1, got 0'],
    ['--pool-size', '2.5', TypeError, '--pool-size must be an integer, got "2.5"'],
    ['--downstream-timeout', '0', RangeError, '--downstream-timeout must be >= 1, got 0'],
    ['--client-timeout', '0', RangeError, '--client-timeout must be >= 1, got 0'],
    ['--max-requests', '0', RangeError, '--max-requests must be >= 1, got 0'],
    ['--port', '-1', RangeError, '--port must be >= 0, got -1'],
    ['--operator-payment-size', '0', RangeError, '--operator-payment-size must be >= 1, got 0'],
    ['--breaker-reset', '0', RangeError, '--breaker-reset must be >= 1, got 0'],
    ['--drain-timeout', '-1', RangeError, '--drain-timeout must be >= 0, got -1'],
    ['--flood-seconds', '-1', RangeError, '--flood-seconds must be >= 0, got -1'],
    ['--flood-workers', '2.5', TypeError, '--flood-workers must be an integer, got "2.5"'],
    ['--live-rate', '0', RangeError, '--live-rate must be >= 1, got 0'],
  ])('validates %s', (flag, value, type, message) => {
    expect(() => parseCliOptions([`${flag}=${value}`])).toThrow(new type(message));
  });

  it('validates --output and --only', () => {
    expect(() => parseCliOptions(['--output='])).toThrow(new TypeError('--output must be a non-empty path'));
    expect(() => parseCliOptions(['--only=both'])).toThrow(
      new RangeError('--only must be "bulkheads" or "shared", got "both"'),
    );
  });

  it('rejects unknown flags', () => {
    expect(() => parseCliOptions(['--bogus'])).toThrow(/--bogus/);
  });

  it('takes --pro as a switch without a value', () => {
    expect(config(['--pro']).pro).toBe(true);
    expect(config([]).pro).toBe(false);
    expect(() => parseCliOptions(['--pro=yes'])).toThrow(/--pro/);
  });
});

describe('helpText', () => {
  it('documents every knob with its default', () => {
    const text = helpText();
    for (const flag of [
      '--healthy-seconds',
      '--hang-latency',
      '--payment-size',
      '--port',
      '--output',
      '--quick',
      '--pro',
      '--drain-timeout',
    ]) {
      expect(text).toContain(flag);
    }
    expect(text).toContain(`(default ${DEFAULT_CONFIG.hangLatencyMs})`);
  });
});
