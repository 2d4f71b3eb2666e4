/** A response body the sweeper watches: linked into the sweeper's list while its permit is held. */
export interface IdleWatched {
  idlePrevious: IdleWatched | undefined;
  idleNext: IdleWatched | undefined;
  /** The sweep count when a byte last arrived or was read. */
  lastActivity: number;
  watched: boolean;
  /** Called once when the body has been idle for the sweeper's timeout. */
  onIdle(): void;
}

/** Sweeps per timeout: a body is ended after between `timeout` and `timeout × (1 + 1/SWEEPS)` ms idle. */
const SWEEPS = 4;

/**
 * One coarse timer per interceptor for every body's idle timeout (as undici's own fast timers do): activity is
 * a field write, not a timer refresh, and the timer runs only while some body is watched.
 */
export class IdleSweeper {
  /** Incremented on each sweep; bodies stamp it as their last activity. */
  tick = 0;
  readonly #interval: number;
  #head: IdleWatched | undefined = undefined;
  #timer: ReturnType<typeof setInterval> | undefined = undefined;

  constructor(timeout: number) {
    this.#interval = Math.max(1, Math.ceil(timeout / SWEEPS));
  }

  /** Starts watching `item` (O(1)). */
  watch(item: IdleWatched): void {
    item.lastActivity = this.tick;
    item.idlePrevious = undefined;
    item.idleNext = this.#head;
    if (this.#head !== undefined) this.#head.idlePrevious = item;
    this.#head = item;
    item.watched = true;
    if (this.#timer === undefined) {
      this.#timer = setInterval(this.#sweep, this.#interval);
      this.#timer.unref?.();
    }
  }

  /** Stops watching `item` (O(1)); the last one stops the timer. */
  unwatch(item: IdleWatched): void {
    if (!item.watched) return;
    item.watched = false;
    const { idlePrevious: previous, idleNext: next } = item;
    if (previous === undefined) this.#head = next;
    else previous.idleNext = next;
    if (next !== undefined) next.idlePrevious = previous;
    item.idlePrevious = undefined;
    item.idleNext = undefined;
    if (this.#head === undefined && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  readonly #sweep = (): void => {
    this.tick++;
    let item = this.#head;
    while (item !== undefined) {
      const next = item.idleNext;
      if (this.tick - item.lastActivity > SWEEPS) {
        this.unwatch(item);
        item.onIdle();
      }
      item = next;
    }
  };
}
