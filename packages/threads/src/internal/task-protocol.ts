/**
 * Wire protocol between `ThreadPoolBulkhead` and the worker runtime. Piscina sends a handler name
 * with every task anyway; ours encodes the user's module, the export to call and whether the task
 * carries captured context. A plain task travels as is; a task with context as `[task, context]`.
 */
export interface HandlerKey {
  /** `file:` URL of the user's worker module. */
  readonly module: string;
  /** Export to call (`default` for the default export). */
  readonly exportName: string;
  /** True when the task travels as `[task, context]`. */
  readonly withContext: boolean;
}

/** `[propagatorName, capturedValue]` pairs. */
export type CapturedContext = ReadonlyArray<readonly [string, unknown]>;

/** A task that carries captured context. */
export type ContextualTask = readonly [task: unknown, context: CapturedContext];

/** The handler name piscina sends for `key` (decoded by the worker runtime). */
export function encodeHandlerKey(key: HandlerKey): string {
  return JSON.stringify(['x.bulkhead', key.withContext ? 1 : 0, key.exportName, key.module]);
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
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[TASK_FAILURE_KEY] === true
  );
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

/** Key the worker runtime sets (to the clone failure message) on a result that could not be posted back. */
export const NOT_CLONEABLE_KEY = '__xBulkheadNotCloneable';

/**
 * The clone failure message when `error` means a task's argument or result could not be
 * structured-cloned (`DataCloneError` posting the argument, or the runtime's tag for the result).
 */
export function cloneFailureOf(
  error: unknown,
): { direction: 'argument' | 'result'; detail: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const tagged = (error as Record<string, unknown>)[NOT_CLONEABLE_KEY];
  if (typeof tagged === 'string') return { direction: 'result', detail: tagged };
  // Node 22 and 24 keep only the worker error's message, where the runtime put the tag in front.
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && message.startsWith(`${NOT_CLONEABLE_KEY}:`)) {
    return { direction: 'result', detail: message.slice(NOT_CLONEABLE_KEY.length + 1) };
  }
  if ((error as { name?: unknown }).name === 'DataCloneError') {
    return { direction: 'argument', detail: String((error as { message?: unknown }).message) };
  }
  return undefined;
}
