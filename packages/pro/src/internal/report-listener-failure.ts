/** A description of whatever a listener threw, that never throws itself (null-prototype objects, hostile toString). */
export function describeThrown(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
    if (typeof thrown === 'string') return thrown;
    return typeof thrown === 'object' && thrown !== null ? 'a non-Error object' : String(thrown);
  } catch {
    return 'an unprintable value';
  }
}

/** Reports a listener failure once as a process warning; never throws, whatever `thrown` is. */
export function reportListenerFailure(what: string, thrown: unknown): void {
  try {
    process.emitWarning(`${what} threw: ${describeThrown(thrown)}`, 'BulkheadListenerWarning');
  } catch {
    // Reporting is best effort: a listener's failure never reaches admission or settings.
  }
}
