import { loadOptionalModule } from './optional-module.js';

/** The subset of a span context the trace-context propagator reads and writes. */
export interface SpanContextShape {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: { serialize(): string };
}

/** The subset of `@opentelemetry/api` used here (kept structural so no type import leaks into our types). */
export interface OpenTelemetryApiShape {
  ROOT_CONTEXT: unknown;
  context: {
    active(): unknown;
    with<Result>(context: unknown, fn: () => Result): Result;
  };
  trace: {
    getSpanContext(context: unknown): SpanContextShape | undefined;
    setSpanContext(context: unknown, spanContext: SpanContextShape): unknown;
    isSpanContextValid(spanContext: SpanContextShape): boolean;
  };
  propagation: {
    inject(context: unknown, carrier: Record<string, string>): void;
    extract(context: unknown, carrier: Record<string, string>): unknown;
  };
  createTraceState(raw?: string): { serialize(): string };
}

/** `@opentelemetry/api` when installed, else `undefined`. */
export function loadOpenTelemetryApi(): OpenTelemetryApiShape | undefined {
  return loadOptionalModule<OpenTelemetryApiShape>('@opentelemetry/api');
}
