import type { Attributes, Tracer } from '@opentelemetry/api';
import { type Bulkhead, BulkheadError, type ExecuteOptions, type ProtectedFunction } from '@x/bulkhead-core';
import { describeValue } from '@x/bulkhead-core/extension';
import { type BulkheadSource, BulkheadTracker, resolveSource } from '../internal/bulkhead-source.js';
import { UNPARTITIONED_LABEL } from '../internal/compartment-labels.js';
import { validateOptions } from '../internal/validate-options.js';
import { BULKHEAD_ATTRIBUTES } from './attribute-names.js';
import { type PassageSettings, type TracingMode, tracedPassage } from './traced-passage.js';
import { resolveTracer } from './tracer-resolution.js';

/** Options of `instrumentBulkheads()`. */
export interface InstrumentBulkheadsOptions {
  /** Tracer for child spans; default: the global provider's (no-op until an SDK registers). */
  tracer?: Tracer;
  /** A registry of bulkheads (followed as it changes) or a fixed list; default `getBulkheadRegistry()`. */
  source?: BulkheadSource;
  /**
   * `active-span` (default): add a `bulkhead` event to the caller's active span (rejections set its
   * status to error). `child-span`: wrap each call in a span `bulkhead <name>`.
   */
  mode?: TracingMode;
}

/** Handle returned by `instrumentBulkheads()`. */
export interface BulkheadTracing {
  /** Restores the bulkheads' own `execute` and stops following the source. Idempotent. */
  unregister(): void;
}

interface Patch {
  enabled: boolean;
  readonly original: Bulkhead['execute'];
  instrumented: Bulkhead['execute'];
  readonly hadOwnExecute: boolean;
}

const OPTION_KEYS = ['tracer', 'source', 'mode'] as const satisfies ReadonlyArray<
  keyof InstrumentBulkheadsOptions
>;

const patched = new WeakMap<Bulkhead, Patch>();

function validateMode(value: unknown): TracingMode {
  if (value === undefined) return 'active-span';
  if (value !== 'active-span' && value !== 'child-span') {
    throw new RangeError(`options.mode must be 'active-span' or 'child-span', got ${describeValue(value)}`);
  }
  return value;
}

function validateTracer(value: unknown): Tracer | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as Tracer).startSpan !== 'function') {
    throw new TypeError(`options.tracer must be an OpenTelemetry Tracer, got ${describeValue(value)}`);
  }
  return value as Tracer;
}

const NO_LABEL: Attributes = Object.freeze({});

function stringProperty(value: unknown, property: 'partition' | 'key'): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Record<string, unknown>)[property];
  return typeof found === 'string' ? found : undefined;
}

/**
 * `bulkhead.partition` and `bulkhead.key` of one call: from the options (`execute(fn, { partition })`,
 * `execute(fn, { key })`), the keyed form's key, or a partition/key view's own; a partitioned bulkhead's
 * call without a partition is `(unpartitioned)`.
 */
function callLabel(
  bulkhead: Bulkhead,
  key: string | undefined,
  options: ExecuteOptions | undefined,
): Attributes {
  if (bulkhead.type !== 'partitioned' && bulkhead.type !== 'keyed') return NO_LABEL;
  const label: Attributes = {};
  if (bulkhead.type === 'partitioned') {
    label[BULKHEAD_ATTRIBUTES.partition] =
      stringProperty(options, 'partition') ?? stringProperty(bulkhead, 'partition') ?? UNPARTITIONED_LABEL;
  }
  if (bulkhead.type === 'keyed') {
    const callKey = key ?? stringProperty(options, 'key') ?? stringProperty(bulkhead, 'key');
    if (callKey !== undefined) label[BULKHEAD_ATTRIBUTES.key] = callKey;
  }
  return label;
}

function patch(bulkhead: Bulkhead, settings: PassageSettings, isLive: () => boolean): Patch | undefined {
  if (patched.get(bulkhead)?.enabled === true) {
    process.emitWarning(
      `bulkhead '${bulkhead.name}' is already instrumented by another instrumentBulkheads(); skipped`,
      'BulkheadInstrumentationWarning',
    );
    return undefined;
  }
  if (!Object.isExtensible(bulkhead)) {
    process.emitWarning(
      `bulkhead '${bulkhead.name}' is frozen or sealed and cannot be traced; skipped`,
      'BulkheadInstrumentationWarning',
    );
    return undefined;
  }
  const original = bulkhead.execute;
  const entry: Patch = {
    enabled: true,
    original,
    instrumented: original,
    hadOwnExecute: Object.hasOwn(bulkhead, 'execute'),
  };
  const untraced = original as (first: unknown, second?: unknown, third?: unknown) => Promise<unknown>;
  // Three plain parameters, no rest array: the path without an SDK stays one property read.
  const instrumented = function execute(first: unknown, second?: unknown, third?: unknown): Promise<unknown> {
    if (!entry.enabled || !isLive()) return untraced.call(bulkhead, first, second, third);
    // KeyedBulkhead's own form: execute(key, fn, options).
    if (typeof first === 'string' && typeof second === 'function') {
      const options = third as ExecuteOptions | undefined;
      return tracedPassage(
        settings,
        bulkhead,
        (traced) => untraced.call(bulkhead, first, traced, options),
        second as ProtectedFunction<unknown>,
        options,
        callLabel(bulkhead, first, options),
      );
    }
    // Anything but execute(fn, options) is core's to reject, untraced.
    if (typeof first !== 'function') return untraced.call(bulkhead, first, second, third);
    const options = second as ExecuteOptions | undefined;
    return tracedPassage(
      settings,
      bulkhead,
      (traced) => untraced.call(bulkhead, traced, options),
      first as ProtectedFunction<unknown>,
      options,
      callLabel(bulkhead, undefined, options),
    );
  } as Bulkhead['execute'];
  entry.instrumented = instrumented;
  Object.defineProperty(bulkhead, 'execute', { value: instrumented, writable: true, configurable: true });
  patched.set(bulkhead, entry);
  return entry;
}

function unpatch(bulkhead: Bulkhead, entry: Patch): void {
  entry.enabled = false;
  if (patched.get(bulkhead) === entry) patched.delete(bulkhead);
  // Only undo our own patch; if someone wrapped it since, the disabled wrapper just passes through.
  if (bulkhead.execute !== entry.instrumented) return;
  if (entry.hadOwnExecute) {
    Object.defineProperty(bulkhead, 'execute', { value: entry.original, writable: true, configurable: true });
  } else {
    delete (bulkhead as { execute?: unknown }).execute;
  }
}

/**
 * Traces every protected call (`execute`, `wrap`, policies, the decorator) of the bulkheads of
 * `options.source`: wait time, outcome, rejection reason, on the active span or a child span.
 * Without an SDK each call pays one property read.
 * @throws {TypeError | RangeError} for invalid options or an unknown key; {BulkheadError} if a bulkhead is already instrumented.
 */
export function instrumentBulkheads(options: InstrumentBulkheadsOptions = {}): BulkheadTracing {
  validateOptions(options, OPTION_KEYS);
  const explicitTracer = validateTracer(options.tracer);
  const mode = validateMode(options.mode);
  const source = resolveSource(options.source);
  for (const bulkhead of source.initial) {
    if (patched.get(bulkhead)?.enabled === true) {
      throw new BulkheadError(
        `bulkhead '${bulkhead.name}' is already instrumented; call unregister() on the other instrumentBulkheads() handle first`,
      );
    }
  }
  const { tracer, isLive } = resolveTracer(explicitTracer);
  const settings: PassageSettings = { tracer, mode };
  const tracker = new BulkheadTracker<Patch | undefined>(source, {
    create: (bulkhead) => patch(bulkhead, settings, isLive),
    dispose: (entry, bulkhead) => {
      if (entry !== undefined) unpatch(bulkhead, entry);
    },
  });
  return { unregister: () => tracker.close() };
}
