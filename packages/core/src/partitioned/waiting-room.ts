import { type DeadlineList, type DeadlineNode, DeadlineScheduler } from '../internal/deadline-scheduler.js';
import type { QueueNode, WaiterQueue } from '../internal/waiter-queue.js';
import type { Permit } from '../permit.js';

/**
 * A call waiting for a permit of the compartment `home` (a partition slot or a key's compartment). It is
 * its own abort listener, so waiting with a signal allocates no closure.
 */
export class QueuedCall<Home> implements QueueNode, DeadlineNode {
  previous: QueueNode | undefined = undefined;
  next: QueueNode | undefined = undefined;
  queued = false;
  deadline = 0;
  deadlinePrevious: DeadlineNode | undefined = undefined;
  deadlineNext: DeadlineNode | undefined = undefined;
  deadlineList: DeadlineList | undefined = undefined;
  listensToAbort = false;
  /** The timeout the call waits with (ms; `Infinity`: no timer). */
  timeout = 0;
  resolve!: (permit: Permit) => void;
  reject!: (error: unknown) => void;
  readonly promise: Promise<Permit>;

  constructor(
    readonly room: WaitingRoom<Home>,
    readonly home: Home,
    /** Arrival number: smaller is older (orders waiters across queues). */
    readonly sequence: number,
    /** `performance.now()` at arrival, or -1 when nobody measures wait times. */
    readonly enqueuedAt: number,
    readonly signal: AbortSignal | undefined,
  ) {
    this.promise = new Promise<Permit>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  handleEvent(): void {
    this.room.abort(this);
  }
}

/** What a waiting room tells its bulkhead. */
export interface WaitingRoomOptions<Home> {
  /** The waiter's timeout elapsed; it has already left its queue. */
  readonly onExpired: (call: QueuedCall<Home>) => void;
  /** The waiter's signal aborted; it has already left its queue. */
  readonly onAborted: (call: QueuedCall<Home>) => void;
  /** The queue a waiter of `home` stands in. */
  readonly queueOf: (home: Home) => WaiterQueue<QueuedCall<Home>>;
}

/**
 * The waiting layer of the partitioned and keyed bulkheads: FIFO queues (one per compartment), one
 * deadline timer for all of them and abort handling. Kept thin so core's shared wait list can replace it.
 */
export class WaitingRoom<Home> {
  readonly #options: WaitingRoomOptions<Home>;
  #scheduler: DeadlineScheduler | undefined = undefined;
  #sequence = 0;

  constructor(options: WaitingRoomOptions<Home>) {
    this.#options = options;
  }

  /** Queues a call for `home` with `timeout` ms (`Infinity`: no timer) measured from `start`. */
  enter(home: Home, timeout: number, start: number, signal: AbortSignal | undefined): QueuedCall<Home> {
    const call = new QueuedCall(this, home, this.#sequence++, start, signal);
    call.timeout = timeout;
    this.#options.queueOf(home).push(call);
    if (timeout !== Number.POSITIVE_INFINITY) {
      this.#scheduler ??= new DeadlineScheduler((node) => this.#expire(node as QueuedCall<Home>));
      this.#scheduler.add(call, timeout, start);
    }
    if (signal !== undefined) {
      call.listensToAbort = true;
      signal.addEventListener('abort', call, { once: true });
    }
    return call;
  }

  /** Removes `call` from its queue and drops its timer entry and abort listener (admitted or rejected). */
  leave(call: QueuedCall<Home>): void {
    this.#options.queueOf(call.home).remove(call);
    if (call.deadlineList !== undefined) this.#scheduler?.remove(call);
    if (call.listensToAbort) {
      call.listensToAbort = false;
      call.signal?.removeEventListener('abort', call);
    }
  }

  /** Called by the call's abort listener. */
  abort(call: QueuedCall<Home>): void {
    if (!call.queued) return;
    this.leave(call);
    this.#options.onAborted(call);
  }

  #expire(call: QueuedCall<Home>): void {
    if (!call.queued) return;
    this.leave(call);
    this.#options.onExpired(call);
  }
}
