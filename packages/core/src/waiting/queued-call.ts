import type { ProtectedFunction } from '../bulkhead.js';
import type { Permit } from '../permit.js';
import { WaitEntry } from './wait-entry.js';

/** The call whose promise is being created: `captureSettlers` stores its settle functions. */
let capturedCall: { resolve: (value: never) => void; reject: (error: unknown) => void } | undefined;

/** Executor of every queued call's promise (no closure per call). */
function captureSettlers(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  capturedCall!.resolve = resolve;
  capturedCall!.reject = reject;
}

/**
 * A call waiting in core's `WaitList` for a permit of the compartment `home` (a partition slot or a key's
 * compartment). The list owns its links, deadline and abort listener; this adds what the bulkheads need.
 */
export class QueuedCall<Home> extends WaitEntry {
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
    /** The timeout the call waits with (ms; `Infinity`: no timer). */
    readonly timeout: number,
  ) {
    super(signal, enqueuedAt);
    capturedCall = this;
    this.promise = new Promise<Permit | QueuedCall<Home>>(captureSettlers);
    capturedCall = undefined;
  }
}
