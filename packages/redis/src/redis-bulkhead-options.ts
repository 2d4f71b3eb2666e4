import {
  describeValue,
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateName,
  validateOptionsObject,
} from '@x/bulkhead-core/extension';
import type { RedisClientLike } from './redis-client.js';

/** What a compartment does while Redis cannot be reached in time. */
export type UnavailableMode = 'reject' | 'local' | 'allow';

/** The local compartment used while Redis is unavailable with `onUnavailable: 'local'`. */
export interface LocalFallbackOptions {
  /** Calls this process admits at once while Redis is unavailable (the cluster then admits up to replicas x this). */
  maxConcurrent: number;
  /** Bound on local waiters; integer >= 0 or `Infinity` (default 0: no local waiting). */
  maxQueue?: number;
}

/** Options of `RedisBulkhead`. */
export interface RedisBulkheadOptions {
  /** A connected node-redis client; the bulkhead opens one subscriber with `client.duplicate()`. */
  client: RedisClientLike;
  /** Calls admitted at once over every process using this name on this Redis; integer >= 1. */
  maxConcurrent: number;
  /** Bound on waiters over every process; integer >= 0 or `Infinity` (default). */
  maxQueue?: number;
  /** Lease length in ms (server clock); renewed every `leaseTtl / 3`; integer >= 30, default 10000. */
  leaseTtl?: number;
  /** While Redis is unreachable or too slow: `'reject'` (default), `'local'` or `'allow'`. */
  onUnavailable?: UnavailableMode;
  /** The local limit used with `onUnavailable: 'local'` (required then). */
  localFallback?: LocalFallbackOptions;
  /** Milliseconds a Redis command may take before Redis counts as unavailable; integer >= 1, default 250. */
  commandTimeout?: number;
  /** Prepended to every key (`<keyPrefix>{bulkhead:<name>}:...`); default ''. */
  keyPrefix?: string;
}

/** Options after validation, defaults applied. */
export interface ResolvedRedisBulkheadOptions {
  readonly name: string;
  readonly client: RedisClientLike;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly leaseTtl: number;
  readonly onUnavailable: UnavailableMode;
  readonly localFallback: { readonly maxConcurrent: number; readonly maxQueue: number } | undefined;
  readonly commandTimeout: number;
  readonly keyPrefix: string;
}

const KNOWN_KEYS = [
  'client',
  'maxConcurrent',
  'maxQueue',
  'leaseTtl',
  'onUnavailable',
  'localFallback',
  'commandTimeout',
  'keyPrefix',
] as const;

const MODES: readonly UnavailableMode[] = ['reject', 'local', 'allow'];

function validateClient(value: unknown): RedisClientLike {
  const client = value as Partial<RedisClientLike> | null | undefined;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.sendCommand !== 'function' ||
    typeof client.duplicate !== 'function'
  ) {
    throw new TypeError(
      `options.client must be a node-redis client (createClient()), got ${describeValue(value)}`,
    );
  }
  if (client.isOpen !== true) {
    throw new TypeError(
      'options.client is not connected: call `await client.connect()` before creating the bulkhead',
    );
  }
  return client as RedisClientLike;
}

function validateLocalFallback(value: unknown): ResolvedRedisBulkheadOptions['localFallback'] {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`options.localFallback must be an object, got ${describeValue(value)}`);
  }
  validateKnownKeys(value, ['maxConcurrent', 'maxQueue'], 'options.localFallback');
  const fallback = value as Record<string, unknown>;
  return {
    maxConcurrent: validateInteger('localFallback.maxConcurrent', fallback.maxConcurrent, 1),
    maxQueue:
      fallback.maxQueue === undefined
        ? 0
        : validateIntegerOrInfinity('localFallback.maxQueue', fallback.maxQueue, 0),
  };
}

/**
 * Validates every option of `RedisBulkhead` (unknown keys rejected) and applies defaults.
 * @throws {TypeError | RangeError} naming the first invalid option.
 */
export function resolveRedisBulkheadOptions(name: unknown, options: unknown): ResolvedRedisBulkheadOptions {
  const validName = validateName('name', name);
  if (/[{}]/.test(validName)) throw new RangeError(`name must not contain '{' or '}', got ${validName}`);
  if (options === undefined) throw new TypeError('options must be an object with client and maxConcurrent');
  validateOptionsObject('options', options);
  validateKnownKeys(options as object, KNOWN_KEYS);
  const given = options as Record<string, unknown>;
  const client = validateClient(given.client);
  const maxConcurrent = validateInteger('maxConcurrent', given.maxConcurrent, 1);
  const maxQueue =
    given.maxQueue === undefined
      ? Number.POSITIVE_INFINITY
      : validateIntegerOrInfinity('maxQueue', given.maxQueue, 0);
  const commandTimeout =
    given.commandTimeout === undefined ? 250 : validateInteger('commandTimeout', given.commandTimeout, 1);
  const leaseTtl = given.leaseTtl === undefined ? 10_000 : validateInteger('leaseTtl', given.leaseTtl, 30);
  if (leaseTtl <= commandTimeout) {
    throw new RangeError(
      `options.leaseTtl must be greater than commandTimeout (${commandTimeout}), got ${leaseTtl}`,
    );
  }
  const onUnavailable = given.onUnavailable === undefined ? 'reject' : given.onUnavailable;
  if (!MODES.includes(onUnavailable as UnavailableMode)) {
    throw new TypeError(
      `options.onUnavailable must be one of ${MODES.join(', ')}, got ${describeValue(onUnavailable)}`,
    );
  }
  const localFallback =
    given.localFallback === undefined ? undefined : validateLocalFallback(given.localFallback);
  if (onUnavailable === 'local' && localFallback === undefined) {
    throw new TypeError(
      "options.localFallback is required with onUnavailable: 'local' (e.g. { maxConcurrent: 2 })",
    );
  }
  if (onUnavailable !== 'local' && localFallback !== undefined) {
    throw new TypeError("options.localFallback is only used with onUnavailable: 'local'");
  }
  const keyPrefix = given.keyPrefix === undefined ? '' : given.keyPrefix;
  if (typeof keyPrefix !== 'string') {
    throw new TypeError(`options.keyPrefix must be a string, got ${describeValue(keyPrefix)}`);
  }
  return {
    name: validName,
    client,
    maxConcurrent,
    maxQueue,
    leaseTtl,
    onUnavailable: onUnavailable as UnavailableMode,
    localFallback,
    commandTimeout,
    keyPrefix,
  };
}
