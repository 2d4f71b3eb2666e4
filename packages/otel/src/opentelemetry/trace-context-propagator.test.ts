import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerTracingSdk } from '../test-support/otel-sdk.js';
import { traceContextPropagator } from './trace-context-propagator.js';

let sdk: ReturnType<typeof registerTracingSdk>;
beforeEach(() => {
  sdk = registerTracingSdk();
});
afterEach(() => sdk.unregister());

describe('traceContextPropagator', () => {
  it('carries the active span context as a cloneable value and restores it as the parent', () => {
    const propagator = traceContextPropagator();
    const tracer = trace.getTracer('test');
    const caller = tracer.startSpan('caller');
    const carrier = context.with(trace.setSpan(ROOT_CONTEXT, caller), () => propagator.capture());
    caller.end();
    expect(carrier).toEqual(structuredClone(carrier));
    expect(carrier).toMatchObject({
      traceId: caller.spanContext().traceId,
      spanId: caller.spanContext().spanId,
    });
    if (carrier === undefined) throw new Error('nothing captured');
    const result = propagator.restore(carrier, () => {
      tracer.startSpan('task').end();
      return trace.getSpanContext(context.active())?.isRemote;
    });
    expect(result).toBe(true);
    const task = sdk.exporter.getFinishedSpans().find((span) => span.name === 'task');
    expect(task?.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(task?.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
  });

  it('captures nothing without an active span', () => {
    expect(traceContextPropagator().capture()).toBeUndefined();
  });
});
