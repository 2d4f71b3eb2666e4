import type { ResizableBulkhead } from '../bulkhead.js';
import type { FinishedEvent, PermittedEvent, RejectedEvent } from '../events.js';
import {
  type AdaptiveAlgorithmName,
  type AdaptiveLimitOptions,
  type ResolvedAdaptiveLimitOptions,
  resolveAdaptiveLimitOptions,
} from './adaptive-limit-options.js';
import { AimdAlgorithm } from './aimd-algorithm.js';
import { Gradient2Algorithm } from './gradient2-algorithm.js';
import type { LimitAlgorithm } from './limit-algorithm.js';
import { validateResizableBulkhead } from './validation.js';
import { VegasAlgorithm } from './vegas-algorithm.js';

/**
 * Why the limit changed: the algorithm grew it (`grow`), shrank it on run times (`latency`) or on a timed-out
 * call (`timeout`), or the event-loop cap moved it (`event_loop`).
 */
export type AdaptiveLimitChangeReason = 'grow' | 'latency' | 'timeout' | 'event_loop';

/** Payload of the controller's `change` event. */
export interface AdaptiveLimitChange {
  readonly bulkheadName: string;
  readonly previous: number;
  readonly limit: number;
  readonly reason: AdaptiveLimitChangeReason;
}

/** The controller `adaptiveLimit()` returns. */
export interface AdaptiveLimitController {
  /** The algorithm in use. */
  readonly algorithm: AdaptiveAlgorithmName;
  /** The limit applied now (the bulkhead's `maxConcurrent`). */
  readonly current: number;
  /** How many times the limit changed since attaching. */
  readonly changeCount: number;
  /** True after `stop()`. */
  readonly stopped: boolean;
  /** Detaches from the bulkhead, which keeps its last limit. Idempotent. */
  stop(): void;
  /**
   * Subscribes to limit changes; returns a disposer. A throwing listener becomes a process warning.
   * @throws {TypeError} for another event name or a listener that is not a function.
   */
  on(event: 'change', listener: (change: AdaptiveLimitChange) => void): () => void;
}

/** Rejections that mean more calls wanted in than the limit let in. */
const SATURATION_REASONS = new Set<RejectedEvent['reason']>(['queue_full', 'queue_timeout', 'dropped']);

/** Share of the applied limit an overloaded event loop keeps per reading: at most halves it. */
const MINIMUM_EVENT_LOOP_FACTOR = 0.5;
/** Growth of the event-loop cap per calm reading, until it no longer binds. */
const EVENT_LOOP_RECOVERY = 1.25;

function createAlgorithm(options: ResolvedAdaptiveLimitOptions): LimitAlgorithm {
  switch (options.algorithm) {
    case 'aimd':
      return new AimdAlgorithm(options, options.parameters);
    case 'vegas':
      return new VegasAlgorithm(options, options.parameters);
    case 'gradient2':
      return new Gradient2Algorithm(options, options.parameters);
  }
}

class Controller implements AdaptiveLimitController {
  readonly algorithm: AdaptiveAlgorithmName;
  #current: number;
  #changeCount = 0;
  #stopped = false;
  /** `performance.now()` when the compartment was last seen full (or turning calls away). */
  #lastFullAt = Number.NEGATIVE_INFINITY;
  #eventLoopCap = Number.POSITIVE_INFINITY;
  #listeners: ((change: AdaptiveLimitChange) => void)[] = [];
  readonly #bulkhead: ResizableBulkhead;
  readonly #options: ResolvedAdaptiveLimitOptions;
  readonly #estimator: LimitAlgorithm;
  readonly #disposers: (() => void)[];

  constructor(bulkhead: ResizableBulkhead, options: ResolvedAdaptiveLimitOptions) {
    this.#bulkhead = bulkhead;
    this.#options = options;
    this.algorithm = options.algorithm;
    this.#estimator = createAlgorithm(options);
    this.#current = bulkhead.getState().maxConcurrent;
    this.#disposers = [
      bulkhead.on('permitted', (event) => this.#onPermitted(event)),
      bulkhead.on('rejected', (event) => this.#onRejected(event)),
      bulkhead.on('finished', (event) => this.#onFinished(event)),
    ];
    if (options.eventLoop !== undefined) {
      this.#disposers.push(options.eventLoop.subscribe((utilization) => this.#onEventLoop(utilization)));
    }
    if (this.#current !== options.initialLimit) {
      this.#current = options.initialLimit;
      bulkhead.resize(options.initialLimit);
    }
  }

  get current(): number {
    return this.#current;
  }

  get changeCount(): number {
    return this.#changeCount;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const dispose of this.#disposers.splice(0)) dispose();
  }

  on(event: 'change', listener: (change: AdaptiveLimitChange) => void): () => void {
    if (event !== 'change') {
      throw new TypeError(`unknown adaptive limit event '${String(event)}'; expected change`);
    }
    if (typeof listener !== 'function') {
      throw new TypeError(`listener must be a function, got ${typeof listener}`);
    }
    this.#listeners = [...this.#listeners, listener];
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.#listeners = this.#listeners.filter((candidate) => candidate !== listener);
    };
  }

  #onPermitted(event: PermittedEvent): void {
    // Full at admission, or admitted from the queue: demand reached the limit.
    if (event.activeCount >= this.#current || event.waitTime > 0) this.#lastFullAt = performance.now();
  }

  #onRejected(event: RejectedEvent): void {
    if (SATURATION_REASONS.has(event.reason)) this.#lastFullAt = performance.now();
  }

  #onFinished(event: FinishedEvent): void {
    // A failure says nothing about capacity (a fast error is not a short run time): skip it.
    if (this.#stopped || event.outcome === 'failure') return;
    const admittedAt = performance.now() - event.duration;
    // Saturated: the compartment was full at some point while this call ran.
    const saturated = this.#lastFullAt >= admittedAt;
    const estimate = this.#estimator.update({
      runTime: event.duration,
      timedOut: event.outcome === 'timeout',
      // While the event loop caps the limit the process is the bottleneck: the algorithm must not wind up.
      saturated: saturated && this.#eventLoopCap === Number.POSITIVE_INFINITY,
      admittedAt,
    });
    const { minLimit, maxLimit } = this.#options;
    const wanted = Math.min(maxLimit, Math.max(minLimit, Math.floor(estimate)));
    let next = Math.max(minLimit, Math.min(wanted, this.#eventLoopCap));
    // Safety net whatever the algorithm: never grow while the compartment was not full.
    if (!saturated) next = Math.min(next, this.#current);
    let reason: AdaptiveLimitChangeReason = event.outcome === 'timeout' ? 'timeout' : 'latency';
    if (next > this.#current) reason = 'grow';
    else if (wanted >= this.#current) reason = 'event_loop';
    this.#apply(next, reason);
  }

  #onEventLoop(utilization: number): void {
    if (this.#stopped) return;
    const { maxUtilization } = this.#options.eventLoop!;
    const { minLimit, maxLimit } = this.#options;
    if (utilization > maxUtilization) {
      const factor = Math.max(MINIMUM_EVENT_LOOP_FACTOR, maxUtilization / utilization);
      this.#eventLoopCap = Math.max(
        minLimit,
        Math.floor(Math.min(this.#eventLoopCap, this.#current) * factor),
      );
    } else if (this.#eventLoopCap !== Number.POSITIVE_INFINITY) {
      const grown = Math.ceil(this.#eventLoopCap * EVENT_LOOP_RECOVERY);
      this.#eventLoopCap = grown >= this.#estimator.estimate ? Number.POSITIVE_INFINITY : grown;
    }
    const wanted = Math.min(maxLimit, Math.max(minLimit, Math.floor(this.#estimator.estimate)));
    this.#apply(Math.max(minLimit, Math.min(wanted, this.#eventLoopCap)), 'event_loop');
  }

  #apply(limit: number, reason: AdaptiveLimitChangeReason): void {
    const previous = this.#current;
    if (limit === previous) return;
    // Resize first: if the bulkhead refuses, the controller still tells the truth about its limit.
    this.#bulkhead.resize(limit);
    this.#current = limit;
    this.#changeCount++;
    const change: AdaptiveLimitChange = { bulkheadName: this.#bulkhead.name, previous, limit, reason };
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        process.emitWarning(
          `A 'change' listener of the adaptive limit of bulkhead '${change.bulkheadName}' threw: ${String(error)}`,
          'BulkheadListenerWarning',
        );
      }
    }
  }
}

/**
 * Attaches an adaptive concurrency limit to `bulkhead`: learns from its `finished` (run time, outcome) and
 * `rejected` events and applies a new limit with `resize()`, always within `[minLimit, maxLimit]`.
 * @throws {TypeError | RangeError} for a bulkhead without `resize()` or an invalid option (named).
 */
export function adaptiveLimit(
  bulkhead: ResizableBulkhead,
  options: AdaptiveLimitOptions,
): AdaptiveLimitController {
  validateResizableBulkhead(bulkhead);
  const resolved = resolveAdaptiveLimitOptions(options, bulkhead.getState().maxConcurrent);
  return new Controller(bulkhead, resolved);
}
