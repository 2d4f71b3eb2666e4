// The worker side of ThreadPoolBulkhead, loaded by piscina in every worker (built to CommonJS so that
// its exports can be a Proxy: piscina looks the handler up by the name sent with each task).
import type { ContextPropagator } from './context-propagator.js';
import type { CapturedContext, ContextualTask, HandlerKey, TaskFailure } from './internal/task-protocol.js';

type WorkerModule = Record<string, unknown>;
type TaskFunction = (task: unknown) => unknown;

const handlers = new Map<string, Promise<TaskFunction>>();

// A CommonJS file cannot import values from the ESM sources (verbatimModuleSyntax): the two protocol
// helpers below mirror `encodeHandlerKey` and `TASK_FAILURE_KEY` of internal/task-protocol.ts.
const TASK_FAILURE_KEY = '__xBulkheadTaskFailure';
// Mirrors `NOT_CLONEABLE_KEY` of internal/task-protocol.ts.
const NOT_CLONEABLE_KEY = '__xBulkheadNotCloneable';

// A result that cannot be cloned makes piscina's response `postMessage` throw outside the task, which
// ends this worker; the error reaching the caller would be an empty object. Tag it on the way out so
// the bulkhead reports `NotCloneableError` (the pool replaces the worker).
// Node 20 posts the error's own properties; Node 22 and 24 post a DOMException as a plain Error that keeps only
// an own `message` and `stack`, so the tag is also put in front of the message.
process.on('uncaughtExceptionMonitor', (error: unknown) => {
  if (typeof error !== 'object' || error === null) return;
  if ((error as { name?: unknown }).name !== 'DataCloneError') return;
  const message = String((error as { message?: unknown }).message);
  const own = (key: string, value: string, enumerable: boolean): void => {
    Object.defineProperty(error, key, { value, enumerable, configurable: true, writable: true });
  };
  own(NOT_CLONEABLE_KEY, message, true);
  own('message', `${NOT_CLONEABLE_KEY}:${message}`, false);
  own('stack', `DataCloneError: ${message}`, false);
});

/** Inverse of `encodeHandlerKey`; `undefined` for any other name (e.g. piscina's default 'default'). */
function decodeHandlerKey(name: string): HandlerKey | undefined {
  if (!name.startsWith('["x.bulkhead"')) return undefined;
  try {
    const [, withContext, exportName, module] = JSON.parse(name) as [string, number, string, string];
    if (typeof exportName !== 'string' || typeof module !== 'string') return undefined;
    return { module, exportName, withContext: withContext === 1 };
  } catch {
    return undefined;
  }
}

/** The handler for a handler name: resolves once the user's module is loaded; never rejects. */
function handlerFor(name: string): Promise<TaskFunction> | undefined {
  let handler = handlers.get(name);
  if (handler === undefined) {
    const key = decodeHandlerKey(name);
    if (key === undefined) return undefined;
    handler = (import(key.module) as Promise<WorkerModule>).then(
      (module) => createHandler(module, key),
      (error: unknown) => () => {
        throw toTaskFailure(error);
      },
    );
    handlers.set(name, handler);
  }
  return handler;
}

function createHandler(module: WorkerModule, key: HandlerKey): TaskFunction {
  let fn = module[key.exportName];
  if (typeof fn !== 'function') {
    const fallback = module.default;
    if (typeof fallback === 'object' && fallback !== null) fn = (fallback as WorkerModule)[key.exportName];
  }
  if (typeof fn !== 'function') {
    const error = new TypeError(`worker module ${key.module} exports no function named '${key.exportName}'`);
    return () => {
      throw toTaskFailure(error);
    };
  }
  const call = fn as TaskFunction;
  if (!key.withContext) return (task) => guard(() => call(task));
  return (task) => {
    const [argument, context] = task as ContextualTask;
    return guard(() => restoreContext(module, key, context, 0, () => call(argument)));
  };
}

/** Calls `run`, turning whatever it throws (or rejects with) into a `TaskFailure`. */
function guard(run: () => unknown): unknown {
  try {
    const result = run();
    if (typeof (result as PromiseLike<unknown> | null | undefined)?.then === 'function') {
      return Promise.resolve(result).catch((error: unknown) => {
        throw toTaskFailure(error);
      });
    }
    return result;
  } catch (error) {
    throw toTaskFailure(error);
  }
}

function restoreContext(
  module: WorkerModule,
  key: HandlerKey,
  context: CapturedContext,
  index: number,
  run: () => unknown,
): unknown {
  const entry = context[index];
  if (entry === undefined) return run();
  const [name, value] = entry;
  const propagator = propagatorsOf(module).get(name);
  if (propagator === undefined) {
    throw new TypeError(
      `context propagator '${name}' was captured by the caller but worker module ${key.module} ` +
        `does not list it in its 'contextPropagators' export`,
    );
  }
  return propagator.restore(value, () => restoreContext(module, key, context, index + 1, run));
}

const propagatorsByModule = new WeakMap<WorkerModule, Map<string, ContextPropagator>>();

function propagatorsOf(module: WorkerModule): Map<string, ContextPropagator> {
  let byName = propagatorsByModule.get(module);
  if (byName === undefined) {
    byName = new Map();
    const listed =
      module.contextPropagators ?? (module.default as WorkerModule | undefined)?.contextPropagators;
    if (Array.isArray(listed)) {
      for (const propagator of listed as ContextPropagator[]) byName.set(propagator.name, propagator);
    }
    propagatorsByModule.set(module, byName);
  }
  return byName;
}

function toTaskFailure(error: unknown): TaskFailure {
  let properties: Record<string, unknown> | undefined;
  if (error instanceof Error) {
    for (const key of Object.keys(error)) {
      const value = (error as unknown as Record<string, unknown>)[key];
      if (!isCloneable(value)) continue;
      properties ??= {};
      properties[key] = value;
    }
  }
  return {
    [TASK_FAILURE_KEY]: true,
    error: isCloneable(error) ? error : new Error(String(error)),
    properties,
  };
}

function isCloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Piscina requires this module and reads `exports[name]` (awaiting it) for each new handler name;
 * `__esModule` keeps its interop helper from copying the (empty) own keys.
 */
const runtime = new Proxy(
  {},
  {
    get(_target, property) {
      if (property === '__esModule') return true;
      return typeof property === 'string' ? handlerFor(property) : undefined;
    },
  },
);

export = runtime;
