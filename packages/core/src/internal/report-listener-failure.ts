/**
 * Reports that a listener threw, once, as a `BulkheadListenerWarning`, and never throws itself: the thrown
 * value is described without calling anything it controls unguarded (`Object.create(null)`, a throwing
 * `toString`, a revoked proxy all end as a plain description).
 */
export function reportListenerFailure(subject: string, thrown: unknown): void {
  try {
    process.emitWarning(`${subject} threw: ${describeThrown(thrown)}`, 'BulkheadListenerWarning');
  } catch {
    // Reporting is best effort: admission, release, handoff and close go on whatever happens here.
  }
}

/** `Name: message` for an error, a short text for a primitive, the kind of value otherwise. */
export function describeThrown(thrown: unknown): string {
  try {
    if (typeof thrown === 'string') return thrown.length > 200 ? `${thrown.slice(0, 200)}…` : thrown;
    if (typeof thrown === 'number' || typeof thrown === 'boolean' || typeof thrown === 'bigint') {
      return `${typeof thrown} ${String(thrown)}`;
    }
    if (thrown === null || thrown === undefined) return String(thrown);
    if (typeof thrown === 'symbol') return 'a symbol';
    if (thrown instanceof Error) {
      const name: unknown = thrown.name;
      const message: unknown = thrown.message;
      return `${typeof name === 'string' ? name : 'Error'}: ${typeof message === 'string' ? message : '(no message)'}`;
    }
    return typeof thrown === 'function' ? 'a function' : 'a non-error object';
  } catch {
    return 'a value that cannot be described';
  }
}
