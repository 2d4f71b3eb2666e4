import { BulkheadTimeoutError } from '../../errors.js';

/** Options of `SimulatedDownstream`. */
export interface SimulatedDownstreamOptions {
  /** Calls served at full speed at once (C). */
  capacity: number;
  /** Milliseconds one call takes while at most C run (L). */
  latency: number;
  /** Milliseconds after which a caller gives up (the downstream still finishes the work). */
  timeoutAfter: number;
}

interface Call {
  /** Service the call is done at (in the units of `#served`). */
  readonly doneAt: number;
  readonly resolve: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  settled: boolean;
}

/**
 * A downstream with capacity C (processor sharing): up to C calls run at once in `latency` ms; with n > C
 * calls inside, each runs at C/n speed, so every call beyond C adds queueing delay to all. A caller whose call
 * takes longer than `timeoutAfter` gives up with a `BulkheadTimeoutError`, while the downstream still does the
 * work (as a real one would), which is how an oversized limit collapses it. Time comes from
 * `performance.now()` and `setTimeout`, so fake timers drive it.
 */
export class SimulatedDownstream {
  readonly latency: number;
  readonly timeoutAfter: number;
  /** Calls started. */
  calls = 0;
  #capacity: number;
  /** Service each call inside has received so far (ms of full-speed work), advanced lazily. */
  #served = 0;
  #servedAt: number;
  /** Calls inside, in arrival order (which is also completion order: all need the same work). */
  #inside: Call[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SimulatedDownstreamOptions) {
    this.latency = options.latency;
    this.timeoutAfter = options.timeoutAfter;
    this.#capacity = options.capacity;
    this.#servedAt = performance.now();
  }

  /** Calls served at full speed at once. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Changes C now; calls inside go on at the new speed. */
  set capacity(capacity: number) {
    this.#advance();
    this.#capacity = capacity;
    this.#schedule();
  }

  /** Calls inside the downstream (including those whose caller gave up). */
  get load(): number {
    return this.#inside.length;
  }

  /** One call: resolves when served, or rejects with a `BulkheadTimeoutError` after `timeoutAfter` ms. */
  call(): Promise<void> {
    this.calls++;
    this.#advance();
    return new Promise((resolve, reject) => {
      const call: Call = { doneAt: this.#served + this.latency, resolve, timer: undefined, settled: false };
      call.timer = setTimeout(() => {
        call.settled = true;
        reject(new BulkheadTimeoutError({ bulkheadName: 'downstream', timeout: this.timeoutAfter }));
      }, this.timeoutAfter);
      this.#inside.push(call);
      this.#schedule();
    });
  }

  #speed(): number {
    return Math.min(1, this.#capacity / Math.max(1, this.#inside.length));
  }

  #advance(): void {
    const now = performance.now();
    this.#served += (now - this.#servedAt) * this.#speed();
    this.#servedAt = now;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const head = this.#inside[0];
    if (head === undefined) {
      this.#timer = undefined;
      return;
    }
    this.#timer = setTimeout(
      () => this.#complete(),
      Math.max(0, (head.doneAt - this.#served) / this.#speed()),
    );
  }

  #complete(): void {
    this.#advance();
    // Rounding may leave a hair of work: whatever is due within a microsecond is done.
    while (this.#inside.length > 0 && this.#inside[0]!.doneAt <= this.#served + 1e-6) {
      const call = this.#inside.shift()!;
      if (!call.settled) {
        call.settled = true;
        clearTimeout(call.timer);
        call.resolve();
      }
    }
    this.#schedule();
  }
}
