import { describe, expect, it } from 'vitest';
import { helpText, parseCliOptions } from '../cli/parse-options.js';
import { DEFAULT_CONFIG, QUICK_OVERRIDES } from '../config.js';

describe('the adaptive phase on the command line', () => {
  it('runs 30 s by default, 12 s with --quick, and --adaptive-seconds=0 skips it', () => {
    const parse = (argv: string[]) => {
      const request = parseCliOptions(argv);
      if (request.kind !== 'run') throw new TypeError('expected a run');
      return request.config;
    };
    expect(parse([])).toMatchObject({ adaptiveSeconds: 30, adaptiveRate: 200, userCapacity: 40 });
    expect(parse(['--quick']).adaptiveSeconds).toBe(QUICK_OVERRIDES.adaptiveSeconds);
    expect(parse(['--quick', '--adaptive-seconds=0']).adaptiveSeconds).toBe(0);
  });

  it.each([
    ['--adaptive-seconds', '-1', RangeError, '--adaptive-seconds must be >= 0, got -1'],
    ['--adaptive-seconds', 'soon', TypeError, '--adaptive-seconds must be a number, got "soon"'],
    ['--adaptive-rate', '0.5', RangeError, '--adaptive-rate must be >= 1, got 0.5'],
    ['--user-capacity', '3', RangeError, '--user-capacity must be >= 4, got 3'],
    ['--user-capacity', '10.5', TypeError, '--user-capacity must be an integer, got "10.5"'],
  ])('validates %s=%s', (flag, value, type, message) => {
    expect(() => parseCliOptions([`${flag}=${value}`])).toThrow(new type(message));
  });

  it('documents its knobs with their defaults', () => {
    expect(helpText()).toContain(`--adaptive-seconds <n>`);
    expect(helpText()).toMatch(
      new RegExp(`--user-capacity <n> .*\\(default ${DEFAULT_CONFIG.userCapacity}\\)`),
    );
  });
});
