import {
  validateFunction,
  validateInteger,
  validateKnownKeys,
  validateTimeout,
} from '@x/bulkhead-core/extension';

/** Options of `CapacityQueue`. */
export interface CapacityQueueOptions {
  /** Requests served at once (the service's workers). */
  capacity: number;
  /** Milliseconds one request takes once a worker has it. */
  latencyMs: number;
  /** Random extra service time, 0..jitter ms. */
  jitterMs: number;
  /** Source of randomness in [0, 1); `Math.random` by default. */
  random?: () => number;
}

/** Something that happened inside the service, for tests and traces. */
export interface CapacityEvent {
  readonly kind: 'start' | 'end';
  /** Sequence number of the request, from 0. */
  readonly request: number;
}

interface Job {
  readonly request: number;
  readonly resolve: (served: boolean) => void;
}

/**
 * A service's workers: up to `capacity` requests are served at once, each in `latencyMs` plus jitter;
 * the others wait in FIFO order, which is where latency climbs when callers send more than it serves.
 * Like most real services it does the work of a request whose caller already gave up. Timers come
 * from `setTimeout`, so fake timers drive it.
 */
export class CapacityQueue {
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly #random: () => number;
  #capacity: number;
  #running = 0;
  #sequence = 0;
  #closed = false;
  readonly #waiting: Job[] = [];
  readonly #timers = new Map<ReturnType<typeof setTimeout>, Job>();
  readonly #listeners: ((event: CapacityEvent) => void)[] = [];

  /** @throws {TypeError | RangeError} naming the option, for an unknown key or an invalid value. */
  constructor(options: CapacityQueueOptions) {
    validateKnownKeys(options, ['capacity', 'latencyMs', 'jitterMs', 'random']);
    this.#capacity = validateInteger('capacity', options.capacity, 1);
    this.latencyMs = validateTimeout('latencyMs', options.latencyMs);
    this.jitterMs = validateTimeout('jitterMs', options.jitterMs);
    this.#random =
      options.random === undefined ? Math.random : validateFunction('options.random', options.random);
  }

  /** Requests served at once. */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * Changes the number of workers now: requests being served finish; waiting ones start below the new capacity.
   * @throws {TypeError | RangeError} unless `capacity` is an integer >= 1.
   */
  set capacity(capacity: number) {
    this.#capacity = validateInteger('capacity', capacity, 1);
    this.#startWaiting();
  }

  /** Requests a worker is serving now. */
  get running(): number {
    return this.#running;
  }

  /** Requests waiting for a worker. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Observes starts and ends of service (a listener must not throw). */
  onEvent(listener: (event: CapacityEvent) => void): void {
    this.#listeners.push(listener);
  }

  /** One request: resolves `true` once served, `false` when the service closed first. */
  serve(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.#waiting.push({ request: this.#sequence++, resolve });
      this.#startWaiting();
    });
  }

  /** Stops serving: every waiting or running request resolves `false` at once. */
  close(): void {
    this.#closed = true;
    for (const [timer, job] of this.#timers) {
      clearTimeout(timer);
      job.resolve(false);
    }
    this.#timers.clear();
    for (const job of this.#waiting.splice(0)) job.resolve(false);
    this.#running = 0;
  }

  #emit(event: CapacityEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  #startWaiting(): void {
    while (!this.#closed && this.#running < this.#capacity) {
      const job = this.#waiting.shift();
      if (job === undefined) return;
      this.#running++;
      this.#emit({ kind: 'start', request: job.request });
      const timer = setTimeout(
        () => {
          this.#timers.delete(timer);
          this.#running--;
          this.#emit({ kind: 'end', request: job.request });
          job.resolve(true);
          this.#startWaiting();
        },
        this.latencyMs + this.#random() * this.jitterMs,
      );
      this.#timers.set(timer, job);
    }
  }
}
