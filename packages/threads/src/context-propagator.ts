/**
 * Carries one kind of context across a thread boundary: `capture()` runs in the caller thread
 * when a task is submitted and returns a structured-cloneable value (or `undefined` for nothing);
 * `restore(value, run)` runs inside the worker around the task and must call `run` exactly once.
 * The worker finds its counterpart by `name` in the `contextPropagators` export of the worker module.
 */
export interface ContextPropagator<Value = unknown> {
  /** Unique name that pairs the caller-side and worker-side instances. */
  readonly name: string;
  /** Caller side: the value to send, or `undefined` when there is nothing to propagate. */
  capture(): Value | undefined;
  /** Worker side: makes `value` the active context while `run` executes and returns its result. */
  restore<Result>(value: Value, run: () => Result): Result;
}
