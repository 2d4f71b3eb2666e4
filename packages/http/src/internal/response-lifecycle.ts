import type { ServerResponse } from 'node:http';
import type { CallOutcome } from '@x/bulkhead-core';

/** Watches one response until it finishes, closes or fails, whichever comes first. */
export interface ResponseLifecycle {
  /** Aborted when the client goes away before the response finished. */
  readonly signal: AbortSignal;
  /** True once the response finished, closed or failed. */
  readonly ended: boolean;
  /** Calls `listener` exactly once when the response ends (at once if it already has). */
  onEnd(listener: (outcome: CallOutcome) => void): void;
  /** Stops watching without calling the end listener. */
  detach(): void;
}

/** The reason of an aborted request signal: the standard `AbortError` that `fetch` and timers expect. */
function disconnected(): DOMException {
  return new DOMException('client disconnected before the response finished', 'AbortError');
}

/**
 * Starts watching `response`: `finish` ends it (`failure` for a 5xx status, else `success`);
 * `close` before `finish` (client disconnect) and `error` end it as `failure` and abort `signal`.
 */
export function trackResponse(response: ServerResponse): ResponseLifecycle {
  const controller = new AbortController();
  let outcome: CallOutcome | undefined;
  let endListener: ((outcome: CallOutcome) => void) | undefined;

  const detach = (): void => {
    response.off('finish', onFinish);
    response.off('close', onClose);
    response.off('error', onError);
  };
  const end = (result: CallOutcome, clientLeft: boolean): void => {
    if (outcome !== undefined) return;
    outcome = result;
    detach();
    if (clientLeft) controller.abort(disconnected());
    const listener = endListener;
    endListener = undefined;
    listener?.(result);
  };
  function onFinish(): void {
    end(response.statusCode >= 500 ? 'failure' : 'success', false);
  }
  function onClose(): void {
    end('failure', true);
  }
  function onError(): void {
    end('failure', true);
  }

  if (response.writableFinished) {
    outcome = 'success';
  } else if (response.destroyed || response.socket?.destroyed === true) {
    outcome = 'failure';
    controller.abort(disconnected());
  } else {
    response.on('finish', onFinish);
    response.on('close', onClose);
    response.on('error', onError);
  }

  return {
    signal: controller.signal,
    get ended() {
      return outcome !== undefined;
    },
    onEnd(listener) {
      if (outcome !== undefined) listener(outcome);
      else endListener = listener;
    },
    detach,
  };
}
