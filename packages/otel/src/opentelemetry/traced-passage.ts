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
import { safeString } from '../internal/safe-string.js';
import { BULKHEAD_ATTRIBUTES } from './attribute-names.js';

/** How a protected call appears in a trace. */
export type TracingMode = 'active-span' | 'child-span';

/** What a traced call needs to know about its instrumentation. */
export interface PassageSettings {
  readonly tracer: Tracer;
  readonly mode: TracingMode;
}

/** Runs the bulkhead's own `execute` with the traced function in place of the caller's. */
export type ExecuteTraced<T> = (traced: ProtectedFunction<T>) => Promise<T>;

interface OpenPassage {
  readonly span: Span;
  readonly runContext: Context;
  readonly baseAttributes: Attributes;
}

function maxConcurrentOf(bulkhead: Bulkhead): number {
  const direct = (bulkhead as { maxConcurrent?: unknown }).maxConcurrent;
  return typeof direct === 'number' ? direct : bulkhead.getState().maxConcurrent;
}

function rejectionReason(error: unknown, options: ExecuteOptions | undefined): RejectionReason | undefined {
  if (isRejection(error)) return error.reason;
  if (options?.signal?.aborted === true && error === options.signal.reason) return 'aborted';
  return undefined;
}

function warn(bulkhead: Bulkhead, error: unknown): void {
  process.emitWarning(
    `Tracing a call of bulkhead '${bulkhead.name}' failed; the call itself is unaffected: ${safeString(error)}`,
    'BulkheadInstrumentationWarning',
  );
}

/** The span a call records on, or `undefined` when nothing is recorded (no active span, sampled out). */
function openPassage(
  settings: PassageSettings,
  bulkhead: Bulkhead,
  label: Attributes,
): OpenPassage | undefined {
  const parentContext = context.active();
  const baseAttributes: Attributes = {
    [BULKHEAD_ATTRIBUTES.name]: bulkhead.name,
    [BULKHEAD_ATTRIBUTES.type]: bulkhead.type,
    [BULKHEAD_ATTRIBUTES.maxConcurrent]: maxConcurrentOf(bulkhead),
    ...label,
  };
  if (settings.mode === 'child-span') {
    const span = settings.tracer.startSpan(
      `bulkhead ${bulkhead.name}`,
      { kind: SpanKind.INTERNAL, attributes: baseAttributes },
      parentContext,
    );
    if (span.isRecording()) return { span, runContext: trace.setSpan(parentContext, span), baseAttributes };
    span.end();
    return undefined;
  }
  const active = trace.getSpan(parentContext);
  if (active === undefined || !active.isRecording()) return undefined;
  return { span: active, runContext: parentContext, baseAttributes };
}

function closePassage(
  passage: OpenPassage,
  bulkhead: Bulkhead,
  mode: TracingMode,
  facts: {
    waitTime: number | undefined;
    failed: boolean;
    error: unknown;
    reason: RejectionReason | undefined;
  },
): void {
  const { span, baseAttributes } = passage;
  const attributes: Attributes = { ...baseAttributes };
  if (facts.waitTime !== undefined) attributes[BULKHEAD_ATTRIBUTES.waitTimeMs] = facts.waitTime;
  if (facts.reason !== undefined) {
    attributes[BULKHEAD_ATTRIBUTES.outcome] = 'rejected';
    attributes[BULKHEAD_ATTRIBUTES.rejectionReason] = facts.reason;
  } else {
    attributes[BULKHEAD_ATTRIBUTES.outcome] = !facts.failed
      ? 'success'
      : BulkheadTimeoutError.isInstance(facts.error)
        ? 'timeout'
        : 'failure';
  }
  const rejectionMessage = `bulkhead '${bulkhead.name}' rejected the call: ${facts.reason}`;
  if (mode === 'active-span') {
    span.addEvent('bulkhead', attributes);
    if (facts.reason !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: rejectionMessage });
    return;
  }
  span.setAttributes(attributes);
  if (facts.failed) {
    const error = facts.error;
    span.recordException(error instanceof Error ? error : safeString(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message:
        facts.reason !== undefined
          ? rejectionMessage
          : error instanceof Error
            ? error.message
            : safeString(error),
    });
  }
  span.end();
}

/**
 * Runs `execute(fn)` of `bulkhead` traced (through `executeTraced`): on the active span (an event
 * `bulkhead`) or in a child span `bulkhead <name>`, `label` (partition, key) among the attributes. `fn` runs in the caller's context even when it waited in the
 * queue; thread pools' functions are passed through untouched (no wait time then). A failure
 * of the tracing itself becomes a process warning and never changes the call's result.
 */
export function tracedPassage<T>(
  settings: PassageSettings,
  bulkhead: Bulkhead,
  executeTraced: ExecuteTraced<T>,
  fn: ProtectedFunction<T>,
  options: ExecuteOptions | undefined,
  label: Attributes,
): Promise<T> {
  let passage: OpenPassage | undefined;
  try {
    passage = openPassage(settings, bulkhead, label);
  } catch (error) {
    warn(bulkhead, error);
  }
  if (passage === undefined) return executeTraced(fn);
  const { runContext } = passage;

  const startedAt = performance.now();
  let admittedAt = -1;
  // Admitted synchronously (fast path) the caller's context is still active; only a call that
  // waited, or a child span, needs its context restored explicitly.
  let synchronous = settings.mode === 'active-span';
  const traced: ProtectedFunction<T> =
    bulkhead.type === 'thread_pool'
      ? fn
      : (executionContext: ExecutionContext) => {
          admittedAt = performance.now();
          return synchronous
            ? fn(executionContext)
            : context.with(runContext, fn, undefined, executionContext);
        };

  const finish = (failed: boolean, error: unknown): void => {
    try {
      closePassage(passage, bulkhead, settings.mode, {
        waitTime: admittedAt >= 0 ? admittedAt - startedAt : undefined,
        failed,
        error,
        reason: failed && admittedAt < 0 ? rejectionReason(error, options) : undefined,
      });
    } catch (tracingError) {
      warn(bulkhead, tracingError);
    }
  };

  let result: Promise<T>;
  try {
    result = executeTraced(traced);
  } catch (error) {
    finish(true, error);
    throw error;
  } finally {
    synchronous = false;
  }
  return Promise.resolve(result).then(
    (value) => {
      finish(false, undefined);
      return value;
    },
    (error: unknown) => {
      finish(true, error);
      throw error;
    },
  );
}
