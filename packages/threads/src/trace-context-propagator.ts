import type { ContextPropagator } from './context-propagator.js';
import { loadOpenTelemetryApi } from './internal/opentelemetry-api.js';
import { describe, validateKnownKeys, validateName } from './internal/validate.js';

/** Options of `traceContextPropagator()`. */
export interface TraceContextPropagatorOptions {
  /** Propagator name (default `w3c-trace-context`). */
  name?: string;
  /**
   * `w3c` (default): carries the active span context as W3C `traceparent`/`tracestate`, whatever
   * propagators are registered. `global`: uses the globally registered OpenTelemetry propagator
   * (`propagation.inject`/`extract`, e.g. trace context plus baggage); register it in the workers too.
   */
  mode?: 'w3c' | 'global';
}

/** What crosses the thread boundary: a W3C (or global-propagator) text carrier. */
export type TraceContextCarrier = Record<string, string>;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Carries the active OpenTelemetry context: the worker task runs with the caller's span as its remote parent.
 * Uses `@opentelemetry/api` if installed (no-op otherwise); the worker needs a context manager.
 * @throws {TypeError | RangeError} when `name` or `mode` is invalid.
 */
export function traceContextPropagator(
  options: TraceContextPropagatorOptions = {},
): ContextPropagator<TraceContextCarrier> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  validateKnownKeys(options, ['name', 'mode']);
  const name = options.name === undefined ? 'w3c-trace-context' : validateName('options.name', options.name);
  const mode = options.mode ?? 'w3c';
  if (mode !== 'w3c' && mode !== 'global') {
    throw new RangeError(`options.mode must be 'w3c' or 'global', got ${describe(mode)}`);
  }
  return Object.freeze({
    name,
    capture(): TraceContextCarrier | undefined {
      const api = loadOpenTelemetryApi();
      if (api === undefined) return undefined;
      if (mode === 'global') {
        const carrier: TraceContextCarrier = {};
        api.propagation.inject(api.context.active(), carrier);
        return Object.keys(carrier).length > 0 ? carrier : undefined;
      }
      const spanContext = api.trace.getSpanContext(api.context.active());
      if (spanContext === undefined || !api.trace.isSpanContextValid(spanContext)) return undefined;
      const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
      const carrier: TraceContextCarrier = {
        traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`,
      };
      const traceState = spanContext.traceState?.serialize();
      if (traceState !== undefined && traceState.length > 0) carrier.tracestate = traceState;
      return carrier;
    },
    restore<Result>(carrier: TraceContextCarrier, run: () => Result): Result {
      const api = loadOpenTelemetryApi();
      if (api === undefined) return run();
      if (mode === 'global') return api.context.with(api.propagation.extract(api.ROOT_CONTEXT, carrier), run);
      const match = TRACEPARENT.exec(carrier.traceparent ?? '');
      if (match === null) return run();
      const [, traceId = '', spanId = '', flags = '00'] = match;
      const tracestate = carrier.tracestate;
      const parent = api.trace.setSpanContext(api.ROOT_CONTEXT, {
        traceId,
        spanId,
        traceFlags: Number.parseInt(flags, 16),
        isRemote: true,
        ...(tracestate === undefined ? {} : { traceState: api.createTraceState(tracestate) }),
      });
      return api.context.with(parent, run);
    },
  });
}
