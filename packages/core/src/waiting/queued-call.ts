import type { ProtectedFunction } from '../bulkhead.js';
import type { Permit } from '../permit.js';
import { WaitEntry } from './wait-entry.js';

/**
 * A call waiting in core's `WaitList` for a permit of the compartment `home` (a partition slot or a key's
 * compartment). The list owns its links, deadline and abort listener; this adds what the bulkheads need.
 */
export class QueuedCall<Home> extends WaitEntry {
  /** The timeout the call waits with (ms; `Infinity`: no timer). */
  timeout = 0;
  /** The protected function of an `execute()` call (`undefined` for an `acquire()`). */
  task: ProtectedFunction<unknown> | undefined = undefined;
  /** Set at admission of an `execute()` call: when it was admitted (-1: unobserved) and how long it waited. */
  admittedAt = -1;
  waitTime = 0;
  /** Resolved with a Permit (`acquire()`) or with the call itself (`execute()`: its task starts then). */
  resolve!: (value: Permit | QueuedCall<Home>) => void;
  reject!: (error: unknown) => void;
  readonly promise: Promise<Permit | QueuedCall<Home>>;

  constructor(
    readonly home: Home,
    /** Arrival number: smaller is older (orders waiters across lists). */
    readonly sequence: number,
    enqueuedAt: number,
    signal: AbortSignal | undefined,
  ) {
    super(signal, enqueuedAt);
    this.promise = new Promise<Permit | QueuedCall<Home>>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}
