import { describe, expect, it } from 'vitest';
import { validateFunction, validateKnownKeys, validateLogger } from './validate.js';

describe('validateKnownKeys', () => {
  it('accepts an object whose keys are all known', () => {
    expect(() =>
      validateKnownKeys({ maxConcurrent: 1, maxQueue: 2 }, ['maxConcurrent', 'maxQueue']),
    ).not.toThrow();
  });

  it('names a misspelled key and the closest valid one', () => {
    expect(() => validateKnownKeys({ maxConcurent: 5 }, ['maxConcurrent', 'maxQueue'])).toThrow(
      new TypeError('options.maxConcurent is not a known option; did you mean maxConcurrent?'),
    );
    expect(() => validateKnownKeys({ maxWorker: 2 }, ['maxWorkers', 'minWorkers'], 'options')).toThrow(
      /options\.maxWorker is not a known option; did you mean maxWorkers\?/,
    );
  });

  it('lists the known options when nothing is close', () => {
    expect(() => validateKnownKeys({ colour: 'red' }, ['maxConcurrent', 'maxQueue'], 'settings')).toThrow(
      new TypeError('settings.colour is not a known option (known options: maxConcurrent, maxQueue)'),
    );
  });
});

describe('validateFunction and validateLogger', () => {
  it('names the parameter', () => {
    expect(() => validateFunction('options.fallback', 3)).toThrow(
      new TypeError('options.fallback must be a function, got number 3'),
    );
    expect(() => validateLogger('options.logger', { info() {} })).toThrow(
      new TypeError('options.logger.warn must be a function'),
    );
    expect(() => validateLogger('options.logger', { info() {}, warn() {} })).not.toThrow();
  });
});
