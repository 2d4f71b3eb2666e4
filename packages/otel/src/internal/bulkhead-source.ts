import type { Bulkhead, BulkheadRegistryLike } from '@x/bulkhead-core';
import { getBulkheadRegistry, isBulkhead } from '@x/bulkhead-core';
import { describeValue } from '@x/bulkhead-core/extension';

/** Where adapters find bulkheads: a registry (followed as it changes) or a fixed list. */
export type BulkheadSource = BulkheadRegistryLike | Iterable<Bulkhead>;

function isRegistry(value: unknown): value is BulkheadRegistryLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BulkheadRegistryLike).list === 'function' &&
    typeof (value as BulkheadRegistryLike).onChange === 'function'
  );
}

/** A validated source: the current bulkheads plus, for registries, a change feed. */
export interface ResolvedSource {
  readonly initial: readonly Bulkhead[];
  readonly registry: BulkheadRegistryLike | undefined;
}

/**
 * Validates `options.source` (default: the process-wide registry).
 * @throws {TypeError} unless it is a registry or an iterable of bulkheads with unique names.
 */
export function resolveSource(source: unknown): ResolvedSource {
  if (source === undefined) source = getBulkheadRegistry();
  if (isRegistry(source)) return { initial: source.list(), registry: source };
  if (typeof source !== 'object' || source === null || !(Symbol.iterator in source)) {
    throw new TypeError(
      `options.source must be a bulkhead registry or a list of bulkheads, got ${describeValue(source)}`,
    );
  }
  const bulkheads: Bulkhead[] = [];
  const names = new Set<string>();
  for (const candidate of source as Iterable<unknown>) {
    if (!isBulkhead(candidate)) {
      throw new TypeError(
        `options.source must contain only bulkheads (name, type, on, getState, execute), got ${describeValue(candidate)}`,
      );
    }
    if (names.has(candidate.name)) {
      throw new TypeError(`options.source contains two bulkheads named '${candidate.name}'`);
    }
    names.add(candidate.name);
    bulkheads.push(candidate);
  }
  return { initial: bulkheads, registry: undefined };
}

/**
 * Keeps one entry per bulkhead of a source: created for every bulkhead present now or added
 * later, disposed when the bulkhead is removed or the tracker is closed.
 */
export class BulkheadTracker<Entry> {
  readonly #entries = new Map<Bulkhead, Entry>();
  readonly #create: (bulkhead: Bulkhead) => Entry;
  readonly #dispose: (entry: Entry, bulkhead: Bulkhead) => void;
  #unsubscribe: (() => void) | undefined;
  #closed = false;

  constructor(
    source: ResolvedSource,
    hooks: { create: (bulkhead: Bulkhead) => Entry; dispose: (entry: Entry, bulkhead: Bulkhead) => void },
  ) {
    this.#create = hooks.create;
    this.#dispose = hooks.dispose;
    this.#unsubscribe = source.registry?.onChange((change) => {
      if (change.kind === 'added') this.#add(change.bulkhead);
      else this.#remove(change.bulkhead);
    });
    for (const bulkhead of source.initial) this.#add(bulkhead);
  }

  /** Entries in tracking order. */
  entries(): IterableIterator<[Bulkhead, Entry]> {
    return this.#entries.entries();
  }

  /** Entries alone, in tracking order. */
  values(): IterableIterator<Entry> {
    return this.#entries.values();
  }

  /** Number of tracked bulkheads. */
  get size(): number {
    return this.#entries.size;
  }

  /** Unsubscribes from the source and disposes every entry. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    for (const [bulkhead, entry] of this.#entries) this.#dispose(entry, bulkhead);
    this.#entries.clear();
  }

  #add(bulkhead: Bulkhead): void {
    if (this.#closed || this.#entries.has(bulkhead)) return;
    this.#entries.set(bulkhead, this.#create(bulkhead));
  }

  #remove(bulkhead: Bulkhead): void {
    const entry = this.#entries.get(bulkhead);
    if (entry === undefined) return;
    this.#entries.delete(bulkhead);
    this.#dispose(entry, bulkhead);
  }
}
