/** Name under which the package obtains its default meter and tracer. */
export const INSTRUMENTATION_SCOPE = '@x/bulkhead-otel';
