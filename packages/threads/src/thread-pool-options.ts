import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import type { ContextPropagator } from './context-propagator.js';
import {
  describe,
  validateBoolean,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateTimeout,
} from './internal/validate.js';

/** Anything that can watch a worker and reclaim what it held when it exits (e.g. a `SharedBulkhead`). */
export interface WorkerExitWatcher {
  /** Starts watching `worker`; returns a disposer. */
  watch(worker: Worker): () => void;
}

/** Options of `ThreadPoolBulkhead`. */
export interface ThreadPoolBulkheadOptions {
  /** Worker module: an absolute path or a `file:` URL; its exports are the task functions. Required. */
  filename: string | URL;
  /** Tasks running at once, one per worker thread; integer >= 1, default `os.availableParallelism()`. */
  maxWorkers?: number;
  /** Workers kept alive while idle; integer 0..maxWorkers, default `maxWorkers` (a fixed pool). */
  minWorkers?: number;
  /** Milliseconds an idle worker above `minWorkers` lives; default 30000. */
  idleTimeout?: number;
  /** Calls waiting for a worker; integer >= 0 or `Infinity`, default 100. Capacity is `maxWorkers + maxQueue`. */
  maxQueue?: number;
  /**
   * Default run budget in ms of each `execute()`, counted from the moment the task (or function) starts;
   * a task that runs out has its worker terminated. Not the wait budget: that is `execute()`'s `timeout`.
   */
  runTimeout?: number;
  /** Limits of each worker's JS engine; a worker that exceeds them fails only its own task. */
  resourceLimits?: ResourceLimits;
  /** Carry caller-side context (AsyncLocalStorage, trace context) into the worker task. */
  contextPropagators?: readonly ContextPropagator[];
  /** `workerData` of every worker (e.g. a `SharedBulkhead` handle); must be structured-cloneable. */
  workerData?: unknown;
  /** Shared bulkheads whose permits a dying worker of this pool held are reclaimed on its exit. */
  sharedBulkheads?: readonly WorkerExitWatcher[];
  /** Whether rejection errors capture a stack trace (default false). */
  captureStackTrace?: boolean;
}

/** Options after validation, with defaults applied. */
export interface ResolvedThreadPoolOptions {
  moduleUrl: string;
  maxWorkers: number;
  minWorkers: number;
  idleTimeout: number;
  maxQueue: number;
  runTimeout: number | undefined;
  resourceLimits: ResourceLimits | undefined;
  contextPropagators: readonly ContextPropagator[];
  workerData: unknown;
  sharedBulkheads: readonly WorkerExitWatcher[];
  captureStackTrace: boolean;
}

const KNOWN_OPTIONS = [
  'filename',
  'maxWorkers',
  'minWorkers',
  'idleTimeout',
  'maxQueue',
  'runTimeout',
  'resourceLimits',
  'contextPropagators',
  'workerData',
  'sharedBulkheads',
  'captureStackTrace',
] satisfies ReadonlyArray<keyof ThreadPoolBulkheadOptions>;

const RESOURCE_LIMIT_KEYS = [
  'maxOldGenerationSizeMb',
  'maxYoungGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
];

/**
 * Validates `ThreadPoolBulkhead` options and applies defaults.
 * @throws {TypeError | RangeError} naming the first invalid option.
 */
export function resolveThreadPoolOptions(options: ThreadPoolBulkheadOptions): ResolvedThreadPoolOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object with a filename, got ${describe(options)}`);
  }
  validateKnownKeys(options, KNOWN_OPTIONS);
  const moduleUrl = resolveModuleUrl(options.filename);
  const maxWorkers =
    options.maxWorkers === undefined
      ? availableParallelism()
      : validateInteger('maxWorkers', options.maxWorkers, 1);
  const minWorkers =
    options.minWorkers === undefined ? maxWorkers : validateInteger('minWorkers', options.minWorkers, 0);
  if (minWorkers > maxWorkers) {
    throw new RangeError(
      `options.minWorkers must be <= options.maxWorkers (${maxWorkers}), got ${minWorkers}`,
    );
  }
  return {
    moduleUrl,
    maxWorkers,
    minWorkers,
    idleTimeout:
      options.idleTimeout === undefined ? 30_000 : validateTimeout('idleTimeout', options.idleTimeout),
    maxQueue:
      options.maxQueue === undefined ? 100 : validateIntegerOrInfinity('maxQueue', options.maxQueue, 0),
    runTimeout:
      options.runTimeout === undefined ? undefined : validateRunTimeout('runTimeout', options.runTimeout),
    resourceLimits: validateResourceLimits(options.resourceLimits),
    contextPropagators: validatePropagators(options.contextPropagators),
    workerData: options.workerData,
    sharedBulkheads: validateWatchers(options.sharedBulkheads),
    captureStackTrace:
      options.captureStackTrace === undefined
        ? false
        : validateBoolean('captureStackTrace', options.captureStackTrace),
  };
}

/**
 * Throws unless `value` is a run budget: a number of ms > 0, or `Infinity` (no budget).
 * @throws {TypeError | RangeError} naming `option`.
 */
export function validateRunTimeout(option: string, value: unknown): number {
  const timeout = validateTimeout(option, value);
  if (timeout === 0) throw new RangeError(`options.${option} must be > 0 (a run budget), got 0`);
  return timeout;
}

function resolveModuleUrl(filename: unknown): string {
  if (filename instanceof URL) {
    if (filename.protocol !== 'file:') {
      throw new RangeError(`options.filename must be a file: URL, got ${filename.protocol} URL`);
    }
    return filename.href;
  }
  if (typeof filename !== 'string') {
    throw new TypeError(
      `options.filename must be an absolute path or a file: URL, got ${describe(filename)}`,
    );
  }
  if (filename.startsWith('file:')) return new URL(filename).href;
  if (!isAbsolute(filename)) {
    throw new RangeError(
      `options.filename must be an absolute path or a file: URL, got ${JSON.stringify(filename)}`,
    );
  }
  return pathToFileURL(filename).href;
}

function validateResourceLimits(limits: unknown): ResourceLimits | undefined {
  if (limits === undefined) return undefined;
  if (typeof limits !== 'object' || limits === null) {
    throw new TypeError(`options.resourceLimits must be an object, got ${describe(limits)}`);
  }
  validateKnownKeys(limits, RESOURCE_LIMIT_KEYS, 'options.resourceLimits');
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new RangeError(`options.resourceLimits.${key} must be a number > 0, got ${describe(value)}`);
    }
  }
  return limits as ResourceLimits;
}

function validatePropagators(propagators: unknown): readonly ContextPropagator[] {
  if (propagators === undefined) return [];
  if (!Array.isArray(propagators)) {
    throw new TypeError(`options.contextPropagators must be an array, got ${describe(propagators)}`);
  }
  const names = new Set<string>();
  for (const [index, propagator] of propagators.entries()) {
    const candidate = propagator as Partial<ContextPropagator> | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      typeof candidate.name !== 'string' ||
      candidate.name.length === 0 ||
      typeof candidate.capture !== 'function' ||
      typeof candidate.restore !== 'function'
    ) {
      throw new TypeError(
        `options.contextPropagators[${index}] must have a non-empty name, capture() and restore(), got ${describe(propagator)}`,
      );
    }
    if (names.has(candidate.name)) {
      throw new RangeError(`options.contextPropagators has two propagators named '${candidate.name}'`);
    }
    names.add(candidate.name);
  }
  return Object.freeze([...(propagators as ContextPropagator[])]);
}

function validateWatchers(watchers: unknown): readonly WorkerExitWatcher[] {
  if (watchers === undefined) return [];
  if (!Array.isArray(watchers)) {
    throw new TypeError(`options.sharedBulkheads must be an array, got ${describe(watchers)}`);
  }
  for (const [index, watcher] of watchers.entries()) {
    if (
      typeof watcher !== 'object' ||
      watcher === null ||
      typeof (watcher as WorkerExitWatcher).watch !== 'function'
    ) {
      throw new TypeError(
        `options.sharedBulkheads[${index}] must be a SharedBulkhead, got ${describe(watcher)}`,
      );
    }
  }
  return Object.freeze([...(watchers as WorkerExitWatcher[])]);
}
