import type { QueueFullPolicy, QueueOrder } from '@x/bulkhead-core';

/** The four compartments every PRO registry always has. */
export const BUILT_IN_COMPARTMENTS = Object.freeze([
  'database',
  'cache',
  'external_api',
  'message_queue',
] as const);

/** Name of a built-in compartment. */
export type BuiltInCompartment = (typeof BUILT_IN_COMPARTMENTS)[number];

/** Kinds of compartment the PRO registry creates. */
export type CompartmentType = 'semaphore' | 'thread_pool';

/** Resolved settings of one compartment. */
export interface CompartmentSettings {
  /** Calls admitted at once (thread pools: worker threads). */
  readonly maxConcurrent: number;
  readonly type: CompartmentType;
  /** Bound on waiters (thread pools: queued tasks); `Infinity` when unbounded. */
  readonly maxQueue: number;
  /** Worker module of a `thread_pool` compartment (required for that type). */
  readonly workerFilename?: string;
  /** Order of a `semaphore` compartment's waiters within a priority level; default `fifo`. */
  readonly queueOrder?: QueueOrder;
  /** What a new waiter past a full `semaphore` queue does; default `reject-new`. */
  readonly onQueueFull?: QueueFullPolicy;
}

/** Per-alias (database) or per-instance (cache) size; defaults to the parent built-in's size. */
export interface AliasSettings {
  readonly maxConcurrent: number;
}

/** Fully resolved, validated settings of a PRO registry. */
export interface BulkheadSettings {
  readonly database: CompartmentSettings;
  readonly cache: CompartmentSettings;
  readonly external_api: CompartmentSettings;
  readonly message_queue: CompartmentSettings;
  /** Per database alias (`getForDatabase(alias)`), e.g. `{ replica: { maxConcurrent: 20 } }`. */
  readonly databases: Readonly<Record<string, AliasSettings>>;
  /** Per cache instance (`getForCache(name)`). */
  readonly caches: Readonly<Record<string, AliasSettings>>;
  /** Templates for custom compartments created by `getOrCreate(name)` (needed for `thread_pool`). */
  readonly compartments: Readonly<Record<string, CompartmentSettings>>;
}

/** Partial settings of one compartment, as given in an object, a JSON file or the environment. */
export interface CompartmentSettingsInput {
  maxConcurrent?: number;
  type?: CompartmentType;
  maxQueue?: number;
  workerFilename?: string;
  queueOrder?: QueueOrder;
  onQueueFull?: QueueFullPolicy;
}

/** Partial settings as given by a source; missing values come from lower-precedence sources or defaults. */
export interface BulkheadSettingsInput {
  database?: CompartmentSettingsInput;
  cache?: CompartmentSettingsInput;
  external_api?: CompartmentSettingsInput;
  message_queue?: CompartmentSettingsInput;
  databases?: Record<string, { maxConcurrent?: number }>;
  caches?: Record<string, { maxConcurrent?: number }>;
  compartments?: Record<string, CompartmentSettingsInput>;
}

const semaphore = (maxConcurrent: number): CompartmentSettings =>
  Object.freeze({ maxConcurrent, type: 'semaphore', maxQueue: Number.POSITIVE_INFINITY });

/** Defaults of the built-in compartments: semaphores, unbounded queues. */
export const DEFAULT_BULKHEAD_SETTINGS: BulkheadSettings = Object.freeze({
  database: semaphore(10),
  cache: semaphore(50),
  external_api: semaphore(20),
  message_queue: semaphore(10),
  databases: Object.freeze({}),
  caches: Object.freeze({}),
  compartments: Object.freeze({}),
});

/** True when `name` is one of the four built-in compartments. */
export function isBuiltInCompartment(name: string): name is BuiltInCompartment {
  return (BUILT_IN_COMPARTMENTS as readonly string[]).includes(name);
}
