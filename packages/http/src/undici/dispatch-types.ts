import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';

// The slice of undici's dispatcher API (v7 handler interface) the interceptor uses, declared structurally so
// this package needs undici neither at run time nor for its types.

/** What undici hands a handler to control its request (undici's `Dispatcher.DispatchController`). */
export interface DispatchController {
  readonly aborted: boolean;
  readonly paused: boolean;
  readonly reason: Error | null;
  rawHeaders?: unknown;
  rawTrailers?: unknown;
  abort(reason: Error): void;
  pause(): void;
  resume(): void;
}

/** A request as undici dispatches it (the fields the interceptor reads). */
export interface DispatchOptions {
  origin?: string | URL;
  path: string;
  method: string;
  signal?: unknown;
}

/** The response callbacks of a dispatch (undici's `Dispatcher.DispatchHandler`, v7 interface). */
export interface DispatchHandler {
  onRequestStart?(controller: DispatchController, context: unknown): void;
  onRequestUpgrade?(
    controller: DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void;
  onResponseStart?(
    controller: DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void;
  onResponseData?(controller: DispatchController, chunk: Buffer): void;
  onResponseEnd?(controller: DispatchController, trailers: IncomingHttpHeaders): void;
  onResponseError?(controller: DispatchController, error: Error): void;
}

/** undici's `dispatch(options, handler)`. */
export type Dispatch = (options: DispatchOptions, handler: DispatchHandler) => boolean;

/** An interceptor for `dispatcher.compose(...)`. */
export type DispatchInterceptor = (dispatch: Dispatch) => Dispatch;
