import type { ContextPropagator } from './context-propagator.js';
import { TASK_FAILURE_KEY, type TaskEnvelope, type TaskFailure } from './internal/task-envelope.js';

type WorkerModule = Record<string, unknown>;
type TaskFunction = (task: unknown) => unknown;

const modules = new Map<string, Promise<WorkerModule>>();
const propagatorsByModule = new WeakMap<WorkerModule, Map<string, ContextPropagator>>();

/**
 * Entry point the pool calls for every task (worker side): loads the user's module, restores the
 * captured context and calls the selected export with the task.
 * @throws a `TaskFailure` wrapping whatever the task threw, so the caller can tell it from a crash.
 */
export async function runBulkheadTask(envelope: TaskEnvelope): Promise<unknown> {
  try {
    const module = await loadModule(envelope.module);
    const fn = selectFunction(module, envelope);
    const context = envelope.context;
    if (context === undefined) return await fn(envelope.task);
    return await restoreContext(module, envelope, context, 0, () => fn(envelope.task));
  } catch (error) {
    throw toTaskFailure(error);
  }
}

function loadModule(url: string): Promise<WorkerModule> {
  let module = modules.get(url);
  if (module === undefined) {
    module = import(url) as Promise<WorkerModule>;
    modules.set(url, module);
  }
  return module;
}

function selectFunction(module: WorkerModule, envelope: TaskEnvelope): TaskFunction {
  const name = envelope.name ?? 'default';
  let candidate = module[name];
  if (typeof candidate !== 'function') {
    const fallback = module.default;
    if (typeof fallback === 'object' && fallback !== null) candidate = (fallback as WorkerModule)[name];
  }
  if (typeof candidate !== 'function') {
    throw new TypeError(`worker module ${envelope.module} exports no function named '${name}'`);
  }
  return candidate as TaskFunction;
}

function restoreContext(
  module: WorkerModule,
  envelope: TaskEnvelope,
  context: ReadonlyArray<readonly [string, unknown]>,
  index: number,
  run: () => unknown,
): unknown {
  const entry = context[index];
  if (entry === undefined) return run();
  const [name, value] = entry;
  const propagator = propagatorsOf(module).get(name);
  if (propagator === undefined) {
    throw new TypeError(
      `context propagator '${name}' was captured by the caller but worker module ${envelope.module} ` +
        `does not list it in its 'contextPropagators' export`,
    );
  }
  return propagator.restore(value, () => restoreContext(module, envelope, context, index + 1, run));
}

function propagatorsOf(module: WorkerModule): Map<string, ContextPropagator> {
  let byName = propagatorsByModule.get(module);
  if (byName === undefined) {
    byName = new Map();
    const listed = module.contextPropagators ?? (module.default as WorkerModule | undefined)?.contextPropagators;
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
      if (isCloneable(value)) (properties ??= {})[key] = value;
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
