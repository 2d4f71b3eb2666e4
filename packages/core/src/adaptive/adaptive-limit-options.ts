import {
  describe,
  validateFunction,
  validateInteger,
  validateKnownKeys,
  validateOptionsObject,
  validateTimeout,
} from '../internal/validate.js';
import { AIMD_DEFAULTS, type AimdParameters } from './aimd-algorithm.js';
import type { EventLoopSignal } from './event-loop-signal.js';
import { GRADIENT2_DEFAULTS, type Gradient2Parameters } from './gradient2-algorithm.js';
import type { LimitBounds } from './limit-algorithm.js';
import { validateEventLoopSignal, validateRange } from './validation.js';
import { VEGAS_DEFAULTS, type VegasParameters } from './vegas-algorithm.js';

/** The algorithms `adaptiveLimit()` offers. */
export type AdaptiveAlgorithmName = 'aimd' | 'vegas' | 'gradient2';

/** Options every algorithm shares. */
export interface AdaptiveLimitBaseOptions {
  /** Limit applied at once. Default: the bulkhead's current `maxConcurrent`. */
  initialLimit?: number;
  /** Lowest limit ever applied (integer >= 1). Default `1`. */
  minLimit?: number;
  /** Highest limit ever applied. Default `max(200, initialLimit)`. */
  maxLimit?: number;
  /** Caps the limit while the event loop is saturated; see `eventLoopSignal()`. */
  eventLoop?: EventLoopSignal;
}

/** Options of `adaptiveLimit()`, by algorithm. */
export type AdaptiveLimitOptions =
  | (AdaptiveLimitBaseOptions & AimdParameters & { algorithm: 'aimd' })
  | (AdaptiveLimitBaseOptions & VegasParameters & { algorithm: 'vegas' })
  | (AdaptiveLimitBaseOptions & Gradient2Parameters & { algorithm: 'gradient2' });

/** Options after validation, with every default filled in. */
export type ResolvedAdaptiveLimitOptions = LimitBounds & {
  readonly eventLoop: EventLoopSignal | undefined;
} & (
    | { readonly algorithm: 'aimd'; readonly parameters: Required<AimdParameters> }
    | { readonly algorithm: 'vegas'; readonly parameters: Required<VegasParameters> }
    | { readonly algorithm: 'gradient2'; readonly parameters: Required<Gradient2Parameters> }
  );

const BASE_KEYS = ['algorithm', 'initialLimit', 'minLimit', 'maxLimit', 'eventLoop'] as const;
const PARAMETER_KEYS: Record<AdaptiveAlgorithmName, readonly string[]> = {
  aimd: ['backoffRatio', 'latencyThreshold'],
  vegas: ['alpha', 'beta', 'smoothing', 'probeMultiplier'],
  gradient2: ['smoothing', 'longWindow', 'rttTolerance', 'queueSize'],
};

/**
 * Validates `options` against the algorithm it names and fills in the defaults.
 * @throws {TypeError | RangeError} naming the first invalid or unknown option.
 */
export function resolveAdaptiveLimitOptions(
  options: unknown,
  currentLimit: number,
): ResolvedAdaptiveLimitOptions {
  if (options === undefined)
    throw new TypeError('options must be an object with an algorithm, got undefined');
  validateOptionsObject('options', options);
  const raw = options as Record<string, unknown>;
  const algorithm = raw.algorithm;
  if (algorithm !== 'aimd' && algorithm !== 'vegas' && algorithm !== 'gradient2') {
    throw new TypeError(
      `options.algorithm must be 'aimd', 'vegas' or 'gradient2', got ${describe(algorithm)}`,
    );
  }
  validateKnownKeys(raw, [...BASE_KEYS, ...PARAMETER_KEYS[algorithm]]);
  const minLimit = raw.minLimit === undefined ? 1 : validateInteger('minLimit', raw.minLimit, 1);
  const givenInitial =
    raw.initialLimit === undefined ? undefined : validateInteger('initialLimit', raw.initialLimit, minLimit);
  const maxLimit =
    raw.maxLimit === undefined
      ? Math.max(200, givenInitial ?? currentLimit)
      : validateInteger('maxLimit', raw.maxLimit, Math.max(minLimit, givenInitial ?? minLimit));
  const initialLimit = givenInitial ?? Math.min(maxLimit, Math.max(minLimit, currentLimit));
  const eventLoop = raw.eventLoop === undefined ? undefined : validateEventLoopSignal(raw.eventLoop);
  const bounds = { initialLimit, minLimit, maxLimit, eventLoop };
  switch (algorithm) {
    case 'aimd':
      return { ...bounds, algorithm, parameters: aimdParameters(raw) };
    case 'vegas':
      return { ...bounds, algorithm, parameters: vegasParameters(raw) };
    case 'gradient2':
      return { ...bounds, algorithm, parameters: gradient2Parameters(raw) };
  }
}

function aimdParameters(raw: Record<string, unknown>): Required<AimdParameters> {
  return {
    backoffRatio:
      raw.backoffRatio === undefined
        ? AIMD_DEFAULTS.backoffRatio
        : validateRange('backoffRatio', raw.backoffRatio, { minimum: 0.5, below: 1 }),
    latencyThreshold:
      raw.latencyThreshold === undefined
        ? AIMD_DEFAULTS.latencyThreshold
        : validateTimeout('latencyThreshold', raw.latencyThreshold),
  };
}

function vegasParameters(raw: Record<string, unknown>): Required<VegasParameters> {
  const alpha =
    raw.alpha === undefined ? VEGAS_DEFAULTS.alpha : validateRange('alpha', raw.alpha, { minimum: 0 });
  const beta = raw.beta === undefined ? Math.max(alpha, VEGAS_DEFAULTS.beta) : raw.beta;
  return {
    alpha,
    beta: validateRange('beta', beta, { minimum: alpha }),
    smoothing: smoothingOf(raw, VEGAS_DEFAULTS.smoothing),
    probeMultiplier:
      raw.probeMultiplier === undefined
        ? VEGAS_DEFAULTS.probeMultiplier
        : validateInteger('probeMultiplier', raw.probeMultiplier, 0),
  };
}

function gradient2Parameters(raw: Record<string, unknown>): Required<Gradient2Parameters> {
  let queueSize: number | ((limit: number) => number) = GRADIENT2_DEFAULTS.queueSize;
  if (typeof raw.queueSize === 'number')
    queueSize = validateRange('queueSize', raw.queueSize, { minimum: 0 });
  else if (raw.queueSize !== undefined)
    queueSize = validateFunction<(limit: number) => number>('options.queueSize', raw.queueSize);
  return {
    smoothing: smoothingOf(raw, GRADIENT2_DEFAULTS.smoothing),
    longWindow:
      raw.longWindow === undefined
        ? GRADIENT2_DEFAULTS.longWindow
        : validateInteger('longWindow', raw.longWindow, 1),
    rttTolerance:
      raw.rttTolerance === undefined
        ? GRADIENT2_DEFAULTS.rttTolerance
        : validateRange('rttTolerance', raw.rttTolerance, { minimum: 1 }),
    queueSize,
  };
}

function smoothingOf(raw: Record<string, unknown>, fallback: number): number {
  if (raw.smoothing === undefined) return fallback;
  return validateRange('smoothing', raw.smoothing, { above: 0, maximum: 1 });
}
