import { context, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';

/** The structured-cloneable trace context a propagator sends to a worker. */
export interface TraceContextCarrier {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly traceState?: string;
}

/** Shape of `@x/bulkhead-threads`' `ContextPropagator`, declared here so this package does not depend on it. */
export interface TraceContextPropagator {
  readonly name: string;
  capture(): TraceContextCarrier | undefined;
  restore<Result>(value: TraceContextCarrier, run: () => Result): Result;
}

/**
 * A context propagator for thread pools (`contextPropagators` option of `@x/bulkhead-threads`):
 * the caller's active span context becomes the (remote) parent inside the worker task. List it
 * in the worker module's `contextPropagators` export too.
 */
export function traceContextPropagator(): TraceContextPropagator {
  return {
    name: '@x/bulkhead-otel/trace-context',
    capture() {
      const spanContext = trace.getSpanContext(context.active());
      if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return undefined;
      const carrier: { -readonly [Key in keyof TraceContextCarrier]: TraceContextCarrier[Key] } = {
        traceId: spanContext.traceId,
        spanId: spanContext.spanId,
        traceFlags: spanContext.traceFlags,
      };
      const traceState = spanContext.traceState?.serialize();
      if (traceState !== undefined && traceState !== '') carrier.traceState = traceState;
      return carrier;
    },
    restore(value, run) {
      const spanContext: SpanContext = {
        traceId: value.traceId,
        spanId: value.spanId,
        traceFlags: value.traceFlags,
        isRemote: true,
      };
      return context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), run);
    },
  };
}
