import { reportListenerFailure } from './internal/report-listener-failure.js';
import type { BulkheadType, CallOutcome, RejectionReason } from './vocabulary.js';

/**
 * Where inside a compartment a call belongs: the partition of a `PartitionedBulkhead` call, the key of a
 * `KeyedBulkhead` call (absent elsewhere, and on calls made without a partition). Adapters label metrics by
 * partition; by key only when asked to (keys are unbounded).
 */
export interface EventLabel {
  readonly partition?: string;
  readonly key?: string;
}

/** Sent when a call gets a permit. */
export interface PermittedEvent extends EventLabel {
  readonly bulkheadName: string;
  readonly bulkheadType: BulkheadType;
  /** Milliseconds spent waiting in the queue (0 on the fast path). */
  readonly waitTime: number;
  readonly activeCount: number;
}

/** Sent when a call is not admitted. */
export interface RejectedEvent extends EventLabel {
  readonly bulkheadName: string;
  readonly bulkheadType: BulkheadType;
  readonly reason: RejectionReason;
  /** Milliseconds the call waited before the verdict (0 for an immediate one). */
  readonly waitTime: number;
  readonly activeCount: number;
  readonly waitingCount: number;
}

/** Sent when an admitted call ends (permit released). */
export interface FinishedEvent extends EventLabel {
  readonly bulkheadName: string;
  readonly bulkheadType: BulkheadType;
  readonly outcome: CallOutcome;
  /** Milliseconds between admission and release. */
  readonly duration: number;
  /** Milliseconds spent waiting before admission. */
  readonly waitTime: number;
}

/** Event name to payload. */
export interface BulkheadEventMap {
  permitted: PermittedEvent;
  rejected: RejectedEvent;
  finished: FinishedEvent;
}

/** Names of bulkhead events. */
export type BulkheadEventName = keyof BulkheadEventMap;

/** A listener of one event. */
export type BulkheadEventListener<Name extends BulkheadEventName> = (event: BulkheadEventMap[Name]) => void;

type AnyListener = (event: never) => void;

/**
 * Minimal typed emitter for bulkhead events. Per-event `listening*` flags let the hot path skip the
 * work of an event (payloads, timestamps) nobody listens to. A throwing listener never breaks the
 * bulkhead, whatever it throws: the failure becomes one `BulkheadListenerWarning`.
 */
export class BulkheadEventEmitter {
  #permitted: AnyListener[] = [];
  #rejected: AnyListener[] = [];
  #finished: AnyListener[] = [];
  /** True when at least one listener is subscribed to any event. */
  listening = false;
  /** True when `permitted` has a listener (its payload is built only then). */
  listeningPermitted = false;
  /** True when `rejected` has a listener. */
  listeningRejected = false;
  /** True when `finished` has a listener (admission timestamps are taken only then). */
  listeningFinished = false;

  /** Subscribes; returns a disposer. */
  on<Name extends BulkheadEventName>(event: Name, listener: BulkheadEventListener<Name>): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(`listener must be a function, got ${typeof listener}`);
    }
    const key = this.#key(event);
    // Copy on write so emitting never observes a list changing under it.
    this.#set(key, [...this.#get(key), listener as AnyListener]);
    this.#refreshFlags();
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const list = this.#get(key);
      const index = list.indexOf(listener as AnyListener);
      if (index !== -1) this.#set(key, [...list.slice(0, index), ...list.slice(index + 1)]);
      this.#refreshFlags();
    };
  }

  #refreshFlags(): void {
    this.listeningPermitted = this.#permitted.length > 0;
    this.listeningRejected = this.#rejected.length > 0;
    this.listeningFinished = this.#finished.length > 0;
    this.listening = this.listeningPermitted || this.listeningRejected || this.listeningFinished;
  }

  /** True when `event` has a listener. */
  has(event: BulkheadEventName): boolean {
    return this.#get(this.#key(event)).length > 0;
  }

  /** Calls each listener of `event` with `payload`. */
  emit<Name extends BulkheadEventName>(event: Name, payload: BulkheadEventMap[Name]): void {
    const list = this.#get(this.#key(event));
    for (const listener of list) {
      try {
        (listener as (event: BulkheadEventMap[Name]) => void)(payload);
      } catch (error) {
        reportListenerFailure(`A '${event}' listener of bulkhead '${payload.bulkheadName}'`, error);
      }
    }
  }

  #key(event: BulkheadEventName): 0 | 1 | 2 {
    if (event === 'permitted') return 0;
    if (event === 'rejected') return 1;
    if (event === 'finished') return 2;
    throw new TypeError(
      `unknown bulkhead event '${String(event)}'; expected permitted, rejected or finished`,
    );
  }

  #get(key: 0 | 1 | 2): AnyListener[] {
    return key === 0 ? this.#permitted : key === 1 ? this.#rejected : this.#finished;
  }

  #set(key: 0 | 1 | 2, list: AnyListener[]): void {
    if (key === 0) this.#permitted = list;
    else if (key === 1) this.#rejected = list;
    else this.#finished = list;
  }
}
