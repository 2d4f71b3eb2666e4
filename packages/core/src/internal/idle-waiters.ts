/**
 * The `close()` calls of a bulkhead waiting for its last permit to come back: each gets a promise, and all
 * of them resolve together, once, when the bulkhead goes idle.
 */
export class IdleWaiters {
  #resolvers: Array<() => void> = [];

  /** True while some `close()` waits. */
  get pending(): boolean {
    return this.#resolvers.length > 0;
  }

  /** A promise resolved at once when `idle`, else by the next `settle()`. */
  whenIdle(idle: boolean): Promise<void> {
    if (idle) return Promise.resolve();
    return new Promise((resolve) => this.#resolvers.push(resolve));
  }

  /** Resolves every waiting promise (the last permit came back). */
  settle(): void {
    const resolvers = this.#resolvers;
    this.#resolvers = [];
    for (const resolve of resolvers) resolve();
  }
}
