import { ProxyTracerProvider, type Tracer, trace } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE } from './instrumentation-scope.js';

const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/** A tracer plus a cheap per-call test of whether an SDK stands behind it. */
export interface ResolvedTracer {
  readonly tracer: Tracer;
  /** False while the global provider is the API's proxy without an SDK delegate. */
  readonly isLive: () => boolean;
}

/**
 * An explicit tracer is assumed live. Otherwise the global provider's tracer is used; it is a
 * proxy that starts delegating once an SDK registers, and until then `isLive()` is false so that
 * calls skip all tracing work (one property read).
 */
export function resolveTracer(explicit: Tracer | undefined): ResolvedTracer {
  if (explicit !== undefined) return { tracer: explicit, isLive: () => true };
  const provider = trace.getTracerProvider();
  const tracer = provider.getTracer(INSTRUMENTATION_SCOPE);
  if (provider instanceof ProxyTracerProvider) {
    return { tracer, isLive: () => provider.getDelegate() !== NOOP_TRACER_PROVIDER };
  }
  return { tracer, isLive: () => true };
}
