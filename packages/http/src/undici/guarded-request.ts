import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Bulkhead, BulkheadTimeoutError, type Permit } from '@x/bulkhead-core';
import type { IdleList, IdleNode, IdleSweeper } from '@x/bulkhead-core/extension';
import type { Dispatch, DispatchController, DispatchHandler, DispatchOptions } from './dispatch-types.js';

/** What every request of one interceptor shares. */
export interface GuardedRequestSettings {
  /** Wait budget for a permit in ms; `undefined`: immediate verdict. */
  readonly timeout: number | undefined;
  /** Ms without a byte arriving or being read before the response is ended and its permit released. */
  readonly bodyIdleTimeout: number;
  /** Bodies whose permit is held, least recently active first (core's idle machinery, as for idle keys). */
  readonly idleBodies: IdleList<GuardedRequest>;
  /** The interceptor's one timer for body idle timeouts; it calls `onIdle()`. */
  readonly sweeper: IdleSweeper<GuardedRequest>;
}

type Outcome = 'success' | 'failure' | 'timeout';

/**
 * One request through the interceptor. It is the handler the next dispatcher sees and the controller the caller's
 * handler sees, so the permit is taken before dispatch and released exactly once: when the body has been read to
 * its end, the response errored or was aborted, the request failed, or the body sat idle for `bodyIdleTimeout`.
 */
export class GuardedRequest implements DispatchHandler, DispatchController, IdleNode {
  idlePrevious: IdleNode | undefined = undefined;
  idleNext: IdleNode | undefined = undefined;
  idleSince = -1;
  readonly #settings: GuardedRequestSettings;
  readonly #bulkhead: Bulkhead;
  readonly #handler: DispatchHandler;
  readonly #dispatch: Dispatch;
  readonly #options: DispatchOptions;
  /** The next dispatcher's controller, once it started the request. */
  #controller: DispatchController | undefined = undefined;
  #permit: Permit | undefined = undefined;
  #abortReason: Error | undefined = undefined;
  #paused = false;
  /** True once the caller's handler got its final callback (end or error). */
  #settled = false;
  #statusCode = 0;
  #waitAbort: AbortController | undefined = undefined;

  constructor(
    settings: GuardedRequestSettings,
    bulkhead: Bulkhead,
    request: { dispatch: Dispatch; options: DispatchOptions; handler: DispatchHandler },
  ) {
    this.#settings = settings;
    this.#bulkhead = bulkhead;
    this.#dispatch = request.dispatch;
    this.#options = request.options;
    this.#handler = request.handler;
  }

  /** Hands the caller its controller (so it can abort while waiting), then asks the bulkhead for a permit. */
  start(): boolean {
    this.#handler.onRequestStart?.(this, undefined);
    if (this.#abortReason !== undefined) {
      this.#fail(this.#abortReason);
      return true;
    }
    const bulkhead = this.#bulkhead;
    const timeout = this.#settings.timeout;
    let acquiring: Promise<Permit>;
    if (timeout === undefined) acquiring = bulkhead.acquire();
    else {
      this.#waitAbort = new AbortController();
      acquiring = bulkhead.acquire({ timeout, signal: this.#waitAbort.signal });
    }
    acquiring.then(this.#granted, this.#refused);
    return true;
  }

  readonly #granted = (permit: Permit): void => {
    this.#waitAbort = undefined;
    if (this.#abortReason !== undefined) {
      permit.release('failure');
      this.#fail(this.#abortReason);
      return;
    }
    this.#dispatchWith(permit);
  };

  readonly #refused = (error: unknown): void => {
    this.#waitAbort = undefined;
    this.#fail(error instanceof Error ? error : new TypeError(String(error)));
  };

  #dispatchWith(permit: Permit): boolean {
    this.#permit = permit;
    try {
      return this.#dispatch(this.#options, this);
    } catch (error) {
      this.#release('failure');
      this.#fail(error instanceof Error ? error : new TypeError(String(error)));
      return true;
    }
  }

  // The handler the next dispatcher sees.

  onRequestStart(controller: DispatchController, _context: unknown): void {
    this.#controller = controller;
    if (this.#abortReason !== undefined) controller.abort(this.#abortReason);
    else if (this.#paused) controller.pause();
  }

  onRequestUpgrade(
    _controller: DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    // The connection leaves the pool as a raw socket: the request is over as far as the compartment goes.
    this.#release('success');
    this.#settled = true;
    this.#handler.onRequestUpgrade?.(this, statusCode, headers, socket);
  }

  onResponseStart(
    _controller: DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.#statusCode = statusCode;
    if (this.idleSince < 0 && this.#permit !== undefined) this.#touch();
    this.#handler.onResponseStart?.(this, statusCode, headers, statusMessage);
  }

  onResponseData(_controller: DispatchController, chunk: Buffer): void {
    if (this.idleSince >= 0) this.#touch();
    this.#handler.onResponseData?.(this, chunk);
  }

  onResponseEnd(_controller: DispatchController, trailers: IncomingHttpHeaders): void {
    this.#release(this.#statusCode >= 500 ? 'failure' : 'success');
    if (this.#settled) return;
    this.#settled = true;
    this.#handler.onResponseEnd?.(this, trailers);
  }

  onResponseError(_controller: DispatchController, error: Error): void {
    this.#release('failure');
    this.#fail(error);
  }

  // The controller the caller's handler sees.

  get aborted(): boolean {
    return this.#abortReason !== undefined || this.#controller?.aborted === true;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#abortReason ?? this.#controller?.reason ?? null;
  }

  get rawHeaders(): unknown {
    return this.#controller?.rawHeaders;
  }

  get rawTrailers(): unknown {
    return this.#controller?.rawTrailers;
  }

  abort(reason: Error): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    if (this.#controller !== undefined) this.#controller.abort(reason);
    else this.#waitAbort?.abort(reason);
  }

  pause(): void {
    this.#paused = true;
    this.#controller?.pause();
  }

  resume(): void {
    this.#paused = false;
    // Reading the body counts as activity, like a byte arriving.
    if (this.idleSince >= 0) this.#touch();
    this.#controller?.resume();
  }

  /** Marks the body active now: it moves to the newest end of the idle list (O(1); once per sweep period). */
  #touch(): void {
    const { idleBodies, sweeper } = this.#settings;
    const stamp = sweeper.stamp;
    if (this.idleSince === stamp) return;
    idleBodies.remove(this);
    idleBodies.push(this, stamp);
    sweeper.schedule();
  }

  /** Called by the sweeper (which already unlinked it) once the body has been idle for `bodyIdleTimeout`. */
  onIdle(): void {
    const timeout = this.#settings.bodyIdleTimeout;
    const error = new BulkheadTimeoutError({ bulkheadName: this.#bulkhead.name, timeout });
    this.#release('timeout');
    this.abort(error);
  }

  #release(outcome: Outcome): void {
    this.#settings.idleBodies.remove(this);
    const permit = this.#permit;
    if (permit === undefined) return;
    this.#permit = undefined;
    permit.release(outcome);
  }

  #fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#handler.onResponseError?.(this, error);
  }
}
