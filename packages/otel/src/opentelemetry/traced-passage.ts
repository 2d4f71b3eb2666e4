import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  type Bulkhead,
  BulkheadTimeoutError,
  type ExecuteOptions,
  type ExecutionContext,
  isRejection,
  type ProtectedFunction,
  type RejectionReason,
} from '@x/bulkhead-core';
import { BULKHEAD_ATTRIBUTES } from './attribute-names.js';

/** How a protected call appears in a trace. */
export type TracingMode = 'active-span' | 'child-span';

/** What a traced call needs to know about its instrumentation. */
export interface PassageSettings {
  readonly tracer: Tracer;
  readonly mode: TracingMode;
}

type Execute = Bulkhead['execute'];

function maxConcurrentOf(bulkhead: Bulkhead): number {
  const direct = (bulkhead as { maxConcurrent?: unknown }).maxConcurrent;
  return typeof direct === 'number' ? direct : bulkhead.getState().maxConcurrent;
}

function rejectionReason(error: unknown, options: ExecuteOptions | undefined): RejectionReason | undefined {
  if (isRejection(error)) return error.reason;
  if (options?.signal?.aborted === true && error === options.signal.reason) return 'aborted';
  return undefined;
}

/**
 * Runs `execute(fn)` of `bulkhead` traced: on the active span (an event `bulkhead`) or in a
 * child span `bulkhead <name>`. `fn` runs in the caller's context even when it waited in the
 * queue; thread pools' functions are passed through untouched (no wait time then).
 */
export function tracedPassage<T>(
  settings: PassageSettings,
  bulkhead: Bulkhead,
  execute: Execute,
  fn: ProtectedFunction<T>,
  options: ExecuteOptions | undefined,
): Promise<T> {
  const parentContext = context.active();
  let span: Span;
  let runContext: Context;
  const baseAttributes: Attributes = {
    [BULKHEAD_ATTRIBUTES.name]: bulkhead.name,
    [BULKHEAD_ATTRIBUTES.type]: bulkhead.type,
    [BULKHEAD_ATTRIBUTES.maxConcurrent]: maxConcurrentOf(bulkhead),
  };
  if (settings.mode === 'child-span') {
    span = settings.tracer.startSpan(
      `bulkhead ${bulkhead.name}`,
      { kind: SpanKind.INTERNAL, attributes: baseAttributes },
      parentContext,
    );
    if (!span.isRecording()) {
      span.end();
      return execute.call(bulkhead, fn, options) as Promise<T>;
    }
    runContext = trace.setSpan(parentContext, span);
  } else {
    const active = trace.getSpan(parentContext);
    if (active === undefined || !active.isRecording())
      return execute.call(bulkhead, fn, options) as Promise<T>;
    span = active;
    runContext = parentContext;
  }

  const startedAt = performance.now();
  let admittedAt = -1;
  const wrapsFunction = bulkhead.type !== 'thread_pool';
  const traced: ProtectedFunction<T> = wrapsFunction
    ? (executionContext: ExecutionContext) => {
        admittedAt = performance.now();
        return context.with(runContext, fn, undefined, executionContext);
      }
    : fn;

  const finish = (error: unknown, failed: boolean): void => {
    const attributes: Attributes = { ...baseAttributes };
    if (admittedAt >= 0) attributes[BULKHEAD_ATTRIBUTES.waitTimeMs] = admittedAt - startedAt;
    const reason = failed && admittedAt < 0 ? rejectionReason(error, options) : undefined;
    if (reason !== undefined) {
      attributes[BULKHEAD_ATTRIBUTES.outcome] = 'rejected';
      attributes[BULKHEAD_ATTRIBUTES.rejectionReason] = reason;
    } else {
      attributes[BULKHEAD_ATTRIBUTES.outcome] = !failed
        ? 'success'
        : BulkheadTimeoutError.isInstance(error)
          ? 'timeout'
          : 'failure';
    }
    if (settings.mode === 'child-span') {
      span.setAttributes(attributes);
      if (failed) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message:
            reason === undefined
              ? error instanceof Error
                ? error.message
                : String(error)
              : `bulkhead '${bulkhead.name}' rejected the call: ${reason}`,
        });
      }
      span.end();
      return;
    }
    span.addEvent('bulkhead', attributes);
    if (reason !== undefined) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: `bulkhead '${bulkhead.name}' rejected the call: ${reason}`,
      });
    }
  };

  let result: Promise<T>;
  try {
    result = execute.call(bulkhead, traced, options) as Promise<T>;
  } catch (error) {
    finish(error, true);
    throw error;
  }
  return Promise.resolve(result).then(
    (value) => {
      finish(undefined, false);
      return value;
    },
    (error: unknown) => {
      finish(error, true);
      throw error;
    },
  );
}
