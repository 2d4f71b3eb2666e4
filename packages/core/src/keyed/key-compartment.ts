import type { IdleNode } from '../idle/idle-list.js';
import type { ReleaseCarrier } from '../internal/prebound-releases.js';
import type { OrderedWaitList } from '../waiting/ordered-wait-list.js';
import type { QueuedCall } from '../waiting/queued-call.js';

/** One key's compartment: a few counters, a queue made on first wait, and its place in the idle list. */
export class KeyCompartment implements IdleNode, ReleaseCarrier {
  idlePrevious: IdleNode | undefined = undefined;
  idleNext: IdleNode | undefined = undefined;
  idleSince = -1;
  /** Permits held (including calls that hold the key's permit while they wait for the global one). */
  active = 0;
  rejected = 0;
  admitted = 0;
  successful = 0;
  failed = 0;
  /** Prebound releases of calls run without a Permit (made on the first such call, kept while live). */
  afterSuccess: ((value: unknown) => unknown) | undefined = undefined;
  afterFailure: ((error: unknown) => never) | undefined = undefined;
  /** The key's waiters (on core's `WaitList`), made on first wait and dropped when idle: an idle key costs none. */
  queue: OrderedWaitList<QueuedCall<KeyCompartment>> | undefined = undefined;

  constructor(readonly key: string) {}

  get waiting(): number {
    return this.queue === undefined ? 0 : this.queue.size;
  }

  /** Nothing active and nobody waiting: the only state in which it may be evicted. */
  get idle(): boolean {
    return this.active === 0 && this.waiting === 0;
  }

  /** Drops the empty queue so an idle compartment stays small. */
  compact(): void {
    if (this.queue !== undefined && this.queue.size === 0) this.queue = undefined;
  }
}
