/**
 * What the caller thread posts to the worker runtime for one task: the user's module, the name
 * of its exported function, the task argument and the captured context values.
 */
export interface TaskEnvelope {
  /** `file:` URL of the user's worker module. */
  readonly module: string;
  /** Exported function to call; `undefined` selects the default export. */
  readonly name: string | undefined;
  /** The argument passed to the function. */
  readonly task: unknown;
  /** `[propagatorName, capturedValue]` pairs, or `undefined` when nothing was captured. */
  readonly context: ReadonlyArray<readonly [string, unknown]> | undefined;
}

/** Key marking an error thrown by the task itself (as opposed to a worker crash). */
export const TASK_FAILURE_KEY = '__xBulkheadTaskFailure';

/** How the worker runtime reports an error thrown by a task. */
export interface TaskFailure {
  readonly [TASK_FAILURE_KEY]: true;
  /** The thrown value (structured-cloned). */
  readonly error: unknown;
  /** Own enumerable properties of a thrown Error (`code`, ...), which structured cloning drops. */
  readonly properties: Record<string, unknown> | undefined;
}

/** True when `value` is a `TaskFailure` posted by the worker runtime. */
export function isTaskFailure(value: unknown): value is TaskFailure {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[TASK_FAILURE_KEY] === true;
}

/** Rebuilds the error a task threw, with its extra properties restored. */
export function unwrapTaskFailure(failure: TaskFailure): unknown {
  const { error, properties } = failure;
  if (properties !== undefined && typeof error === 'object' && error !== null) {
    for (const [key, value] of Object.entries(properties)) {
      if (!(key in error)) (error as Record<string, unknown>)[key] = value;
    }
  }
  return error;
}
