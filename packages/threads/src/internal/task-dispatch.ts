import type { TransferListItem } from 'node:worker_threads';
import { BulkheadClosedError } from '@x/bulkhead-core';
import type { ContextPropagator } from '../context-propagator.js';
import { NotCloneableError } from '../not-cloneable-error.js';
import { toWorkerCrashedError } from './crash.js';
import {
  type CapturedContext,
  cloneFailureOf,
  encodeHandlerKey,
  isTaskFailure,
  unwrapTaskFailure,
} from './task-protocol.js';

/** What piscina's `run()` gets: the handler name, and the abort handle and transfer list when needed. */
export interface RunOptions {
  readonly name: string;
  readonly signal?: {
    once(event: 'abort', listener: () => void): void;
    off(event: 'abort', listener: () => void): void;
  };
  readonly transferList?: TransferListItem[];
}

/** A task ready for piscina: the payload (with captured context) and its run options. */
export interface DispatchedTask {
  readonly payload: unknown;
  readonly runOptions: RunOptions;
}

/**
 * How a `ThreadPoolBulkhead` addresses its worker runtime: captures the caller's context into the
 * payload, names the handler of the export to call (one frozen options object per export), and turns
 * what piscina rejects with into the error the caller sees.
 */
export class TaskDispatch {
  readonly #bulkheadName: string;
  readonly #moduleUrl: string;
  readonly #propagators: readonly ContextPropagator[];
  readonly #runOptionsCache = new Map<string, RunOptions>();
  #lastExportName: string | undefined = undefined;
  #lastRunOptions: RunOptions | undefined = undefined;

  constructor(bulkheadName: string, moduleUrl: string, propagators: readonly ContextPropagator[]) {
    this.#bulkheadName = bulkheadName;
    this.#moduleUrl = moduleUrl;
    this.#propagators = propagators;
  }

  /** Captures the caller's context now, while it is active, and names the handler of `exportName`. */
  prepare(task: unknown, exportName: string | undefined): DispatchedTask {
    const context = this.#capture();
    if (context === undefined) return { payload: task, runOptions: this.#runOptions(exportName, false) };
    return { payload: [task, context], runOptions: this.#runOptions(exportName, true) };
  }

  /** The error a caller sees for what piscina rejected with. */
  translate(error: unknown, terminating: boolean): unknown {
    if (isTaskFailure(error)) return unwrapTaskFailure(error);
    const cloneFailure = cloneFailureOf(error);
    if (cloneFailure !== undefined) {
      return new NotCloneableError({ bulkheadName: this.#bulkheadName, ...cloneFailure }, { cause: error });
    }
    if (terminating) return new BulkheadClosedError({ bulkheadName: this.#bulkheadName }, { cause: error });
    return toWorkerCrashedError(this.#bulkheadName, error);
  }

  /** `undefined` when no propagator captured anything. */
  #capture(): CapturedContext | undefined {
    let context: Array<readonly [string, unknown]> | undefined;
    for (const propagator of this.#propagators) {
      const value = propagator.capture();
      if (value === undefined) continue;
      context ??= [];
      context.push([propagator.name, value]);
    }
    return context;
  }

  /** Run options naming the handler of `exportName` (cached: one object per export). */
  #runOptions(exportName: string | undefined, withContext: boolean): RunOptions {
    if (!withContext && exportName === this.#lastExportName && this.#lastRunOptions !== undefined) {
      return this.#lastRunOptions;
    }
    const cacheKey = `${withContext ? 'c' : 'p'}${exportName ?? ''}`;
    let runOptions = this.#runOptionsCache.get(cacheKey);
    if (runOptions === undefined) {
      const name = encodeHandlerKey({
        module: this.#moduleUrl,
        exportName: exportName ?? 'default',
        withContext,
      });
      runOptions = Object.freeze({ name });
      this.#runOptionsCache.set(cacheKey, runOptions);
    }
    if (!withContext) {
      this.#lastExportName = exportName;
      this.#lastRunOptions = runOptions;
    }
    return runOptions;
  }
}
