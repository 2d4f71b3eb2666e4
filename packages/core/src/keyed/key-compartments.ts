import { IdleList } from '../idle/idle-list.js';
import { IdleSweeper } from '../idle/idle-sweeper.js';
import { KeyCompartment } from './key-compartment.js';

/**
 * The live compartments of a keyed bulkhead by key: created on first use, evicted after `idleTimeout` with
 * nothing active or waiting (one timer for all keys), and at most `maxKeys` of them (a new key past it
 * evicts the least recently used idle one).
 */
export class KeyCompartments {
  readonly #byKey = new Map<string, KeyCompartment>();
  readonly #idle = new IdleList<KeyCompartment>();
  readonly #sweeper: IdleSweeper<KeyCompartment>;
  readonly #maxKeys: number;
  /** Compartments evicted so far. */
  evicted = 0;

  constructor(maxKeys: number, idleTimeout: number) {
    this.#maxKeys = maxKeys;
    this.#sweeper = new IdleSweeper(this.#idle, idleTimeout, (compartment) => this.#evict(compartment));
  }

  /** Live compartments. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The live compartment of `key`, or `undefined`. */
  get(key: string): KeyCompartment | undefined {
    return this.#byKey.get(key);
  }

  /** Every live compartment with its key. */
  entries(): IterableIterator<[string, KeyCompartment]> {
    return this.#byKey.entries();
  }

  /** The key's compartment, created on demand; `undefined` when `maxKeys` are live and none is idle. */
  obtain(key: string): KeyCompartment | undefined {
    const existing = this.#byKey.get(key);
    if (existing !== undefined) return existing;
    if (this.#byKey.size >= this.#maxKeys) {
      const leastRecentlyUsed = this.#idle.oldest;
      if (leastRecentlyUsed === undefined) return undefined;
      this.#idle.remove(leastRecentlyUsed);
      this.#evict(leastRecentlyUsed);
    }
    const compartment = new KeyCompartment(key);
    this.#byKey.set(key, compartment);
    return compartment;
  }

  /** The compartment is used again: it is no longer a candidate for eviction. */
  markBusy(compartment: KeyCompartment): void {
    this.#idle.remove(compartment);
  }

  /** The compartment has nothing active or waiting: it becomes the most recently used idle one. */
  markIdle(compartment: KeyCompartment): void {
    if (compartment.idleSince >= 0) return;
    compartment.compact();
    this.#idle.push(compartment, this.#sweeper.stamp);
    this.#sweeper.schedule();
  }

  /** Stops the eviction timer (the bulkhead closed). */
  stop(): void {
    this.#sweeper.stop();
  }

  /** Drops every compartment (the bulkhead closed and went idle). */
  clear(): void {
    for (let oldest = this.#idle.oldest; oldest !== undefined; oldest = this.#idle.oldest) {
      this.#idle.remove(oldest);
    }
    this.#byKey.clear();
  }

  #evict(compartment: KeyCompartment): void {
    // Only idle compartments are ever in the idle list; this guards the invariant all the same.
    if (!compartment.idle || this.#byKey.get(compartment.key) !== compartment) return;
    this.#byKey.delete(compartment.key);
    this.evicted++;
  }
}
