import { type Attributes, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { safeString } from '../internal/safe-string.js';
import { INSTRUMENTATION_SCOPE } from './instrumentation-scope.js';
import { attachSpanData, type SpanData } from './span-data.js';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

function end(span: Span, spanData: SpanData, error?: unknown): void {
  attachSpanData(span, spanData);
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : safeString(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : safeString(error),
    });
  }
  span.end();
}

/**
 * Runs `fn(spanData)` as the active span `spanName` (child of the active one), then attaches
 * `spanData`, records a thrown or rejected error, and ends the span; sync results stay sync.
 */
export function runInSpan<T>(spanName: string, attributes: Attributes, fn: (spanData: SpanData) => T): T {
  const tracer = trace.getTracer(INSTRUMENTATION_SCOPE);
  return tracer.startActiveSpan(spanName, { attributes }, (span) => {
    const spanData: SpanData = {};
    let result: T;
    try {
      result = fn(spanData);
    } catch (error) {
      end(span, spanData, error ?? new Error('undefined was thrown'));
      throw error;
    }
    if (!isThenable(result)) {
      end(span, spanData);
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        end(span, spanData);
        return value;
      },
      (error: unknown) => {
        end(span, spanData, error ?? new Error('the promise rejected with undefined'));
        throw error;
      },
    ) as T;
  });
}
