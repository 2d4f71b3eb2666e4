import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BulkheadError } from '@x/bulkhead-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BULKHEAD_SETTINGS } from './settings.js';
import { readEnvironmentSettings, readSettingsFile } from './settings-sources.js';
import { mergeSettings, validateSettingsInput } from './validate-settings.js';

describe('validateSettingsInput', () => {
  it('accepts a full settings object', () => {
    const input = {
      database: { maxConcurrent: 5, maxQueue: 10, type: 'semaphore' },
      cache: { type: 'thread_pool', workerFilename: './w.js' },
      databases: { replica: { maxConcurrent: 2 } },
      caches: { session: {} },
      compartments: { reports: { maxConcurrent: 1, maxQueue: null } },
    };
    expect(validateSettingsInput(input)).toEqual({
      ...input,
      caches: { session: {} },
      compartments: { reports: { maxConcurrent: 1, maxQueue: Number.POSITIVE_INFINITY } },
    });
  });

  it.each([
    [null, TypeError, 'settings must be an object, got null'],
    [{ databse: {} }, TypeError, 'settings.databse is not a known option; did you mean database?'],
    [{ database: 3 }, TypeError, 'settings.database must be an object, got number 3'],
    [
      { database: { max: 1 } },
      TypeError,
      'settings.database.max is not a known option (known options: maxConcurrent',
    ],
    [
      { database: { maxConcurent: 1 } },
      TypeError,
      'settings.database.maxConcurent is not a known option; did you mean maxConcurrent?',
    ],
    [
      { database: { maxConcurrent: '5' } },
      TypeError,
      'settings.database.maxConcurrent must be a number, got string "5"',
    ],
    [
      { database: { maxConcurrent: 0 } },
      RangeError,
      'settings.database.maxConcurrent must be an integer >= 1, got 0',
    ],
    [
      { database: { maxConcurrent: 1.5 } },
      RangeError,
      'settings.database.maxConcurrent must be an integer >= 1, got 1.5',
    ],
    [{ cache: { maxQueue: -1 } }, RangeError, 'settings.cache.maxQueue must be an integer >= 0'],
    [{ cache: { maxQueue: 'x' } }, TypeError, 'settings.cache.maxQueue must be a number'],
    [
      { external_api: { type: 'fork' } },
      TypeError,
      "settings.external_api.type must be 'semaphore' or 'thread_pool'",
    ],
    [
      { message_queue: { workerFilename: '' } },
      TypeError,
      'settings.message_queue.workerFilename must be a non-empty string',
    ],
    [
      { cache: { queueOrder: 'random' } },
      TypeError,
      'settings.cache.queueOrder must be one of fifo, lifo, got string "random"',
    ],
    [
      { compartments: { reports: { onQueueFull: 'drop-newest' } } },
      TypeError,
      'settings.compartments.reports.onQueueFull must be one of reject-new, drop-oldest, got string "drop-newest"',
    ],
    [{ databases: [] }, TypeError, 'settings.databases must be an object, got array'],
    [
      { databases: { replica: { maxConcurrent: 0 } } },
      RangeError,
      'settings.databases.replica.maxConcurrent must be an integer >= 1',
    ],
    [
      { caches: { session: { size: 1 } } },
      TypeError,
      'settings.caches.session.size is not a known option (known options: maxConcurrent)',
    ],
    [
      { compartments: { reports: { maxConcurrent: -2 } } },
      RangeError,
      'settings.compartments.reports.maxConcurrent must be an integer >= 1',
    ],
  ])('rejects %j with a precise message', (input, type, message) => {
    expect(() => validateSettingsInput(input)).toThrow(type);
    expect(() => validateSettingsInput(input)).toThrow(message);
  });
});

describe('mergeSettings', () => {
  it('applies defaults, then each layer in order', () => {
    const settings = mergeSettings([
      { database: { maxConcurrent: 5 }, databases: { replica: { maxConcurrent: 2 } } },
      { database: { maxConcurrent: 7 }, cache: { maxQueue: 3 } },
    ]);
    expect(settings.database).toEqual({ ...DEFAULT_BULKHEAD_SETTINGS.database, maxConcurrent: 7 });
    expect(settings.cache).toEqual({ ...DEFAULT_BULKHEAD_SETTINGS.cache, maxQueue: 3 });
    expect(settings.external_api).toEqual(DEFAULT_BULKHEAD_SETTINGS.external_api);
    expect(settings.databases).toEqual({ replica: { maxConcurrent: 2 } });
  });

  it('requires a worker filename for a thread pool', () => {
    expect(() => mergeSettings([{ database: { type: 'thread_pool' } }])).toThrow(
      "settings.database.workerFilename is required when settings.database.type is 'thread_pool'",
    );
    expect(() => mergeSettings([{ compartments: { reports: { type: 'thread_pool' } } }])).toThrow(
      /settings.compartments.reports.workerFilename is required/,
    );
  });

  it('merges queueOrder and onQueueFull of semaphore compartments; a thread pool has neither', () => {
    const input = validateSettingsInput({
      database: { queueOrder: 'lifo' },
      compartments: { reports: { onQueueFull: 'drop-oldest' } },
    });
    const settings = mergeSettings([input, { database: { onQueueFull: 'drop-oldest' } }]);
    expect(settings.database).toEqual({
      ...DEFAULT_BULKHEAD_SETTINGS.database,
      queueOrder: 'lifo',
      onQueueFull: 'drop-oldest',
    });
    expect(settings.compartments.reports).toMatchObject({ type: 'semaphore', onQueueFull: 'drop-oldest' });
    expect(() =>
      mergeSettings([{ cache: { type: 'thread_pool', workerFilename: '/w.js', queueOrder: 'lifo' } }]),
    ).toThrow(
      new TypeError(
        "settings.cache.queueOrder and settings.cache.onQueueFull apply to 'semaphore' compartments only",
      ),
    );
  });
});

describe('readEnvironmentSettings', () => {
  it('reads BULKHEAD_<COMPARTMENT>_* variables', () => {
    expect(
      readEnvironmentSettings({
        BULKHEAD_DATABASE_MAX_CONCURRENT: '20',
        BULKHEAD_DATABASE_MAX_QUEUE: 'unbounded',
        BULKHEAD_CACHE_MAX_QUEUE: '5',
        BULKHEAD_EXTERNAL_API_TYPE: 'thread_pool',
        BULKHEAD_EXTERNAL_API_WORKER_FILENAME: '/w.js',
        BULKHEAD_MESSAGE_QUEUE_MAX_CONCURRENT: '',
      }),
    ).toEqual({
      database: { maxConcurrent: 20, maxQueue: Number.POSITIVE_INFINITY },
      cache: { maxQueue: 5 },
      external_api: { type: 'thread_pool', workerFilename: '/w.js' },
    });
  });

  it.each([
    [
      { BULKHEAD_DATABASE_MAX_CONCURRENT: 'ten' },
      'BULKHEAD_DATABASE_MAX_CONCURRENT must be an integer >= 1, got "ten"',
    ],
    [
      { BULKHEAD_CACHE_MAX_CONCURRENT: '0' },
      'BULKHEAD_CACHE_MAX_CONCURRENT must be an integer >= 1, got "0"',
    ],
    [{ BULKHEAD_CACHE_MAX_QUEUE: '-1' }, "BULKHEAD_CACHE_MAX_QUEUE must be an integer >= 0 (or 'unbounded')"],
    [
      { BULKHEAD_MESSAGE_QUEUE_TYPE: 'pool' },
      "BULKHEAD_MESSAGE_QUEUE_TYPE must be 'semaphore' or 'thread_pool'",
    ],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => readEnvironmentSettings(env)).toThrow(message);
  });
});

describe('readSettingsFile', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'bulkhead-settings-'));
  const file = (name: string, content: string) => {
    const target = path.join(directory, name);
    writeFileSync(target, content);
    return target;
  };

  it('reads a JSON file', () => {
    expect(readSettingsFile(file('ok.json', '{"cache":{"maxConcurrent":4}}'))).toEqual({
      cache: { maxConcurrent: 4 },
    });
  });

  it('names the file in every error', () => {
    const missing = path.join(directory, 'missing.json');
    expect(() => readSettingsFile(missing)).toThrow(`settings file '${missing}' cannot be read (ENOENT)`);
    expect(() => readSettingsFile(missing)).toThrow(BulkheadError);
    const broken = file('broken.json', '{ nope');
    expect(() => readSettingsFile(broken)).toThrow(`settings file '${broken}' is not valid JSON`);
    const invalid = file('invalid.json', '{"cache":{"maxConcurrent":0}}');
    expect(() => readSettingsFile(invalid)).toThrow(
      `settings file '${invalid}': settings.cache.maxConcurrent must be an integer >= 1, got 0`,
    );
  });
});
