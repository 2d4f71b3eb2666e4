import type { Bulkhead, BulkheadType } from './bulkhead.js';
import type { BulkheadState } from './state.js';
import type { QueueFullPolicy, QueueOrder } from './waiting/queue-policy.js';

/** Options of `getOrCreate()`. */
export interface GetOrCreateOptions {
  maxConcurrent?: number;
  maxQueue?: number;
  /** Order of waiters within a priority level (see `SemaphoreBulkheadOptions.queueOrder`). */
  queueOrder?: QueueOrder;
  /** What a new waiter past a full queue does (see `SemaphoreBulkheadOptions.onQueueFull`). */
  onQueueFull?: QueueFullPolicy;
  /** OSS registries create `semaphore` bulkheads only; the PRO registry also creates `thread_pool` ones. */
  type?: BulkheadType;
}

/** What a registry tells its listeners. */
export type RegistryChange =
  | { readonly kind: 'added'; readonly bulkhead: Bulkhead }
  | { readonly kind: 'removed'; readonly bulkhead: Bulkhead };

/** The registry contract shared by the OSS registry (core) and the PRO registry. */
export interface BulkheadRegistryLike {
  /** Adds a bulkhead under its name; replaces nothing silently. */
  register(bulkhead: Bulkhead): Bulkhead;
  /** Strict lookup. @throws {BulkheadNotFoundError} listing the registered names. */
  get(name: string): Bulkhead;
  /** True when `name` is registered. */
  has(name: string): boolean;
  /** Returns the named bulkhead, creating it with `options` on first use. */
  getOrCreate(name: string, options?: GetOrCreateOptions): Bulkhead;
  /** Removes `name`; returns whether it was there. */
  unregister(name: string): boolean;
  /** Registered names in registration order. */
  listNames(): string[];
  /** Snapshot of every compartment, keyed by name. */
  getAllStates(): Record<string, BulkheadState>;
  /** Every registered bulkhead. */
  list(): Bulkhead[];
  /** Subscribes to additions and removals; returns a disposer. */
  onChange(listener: (change: RegistryChange) => void): () => void;
}
