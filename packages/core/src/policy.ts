import type { Bulkhead, ExecuteOptions, ProtectedFunction } from './bulkhead.js';
import { BulkheadClosedError, BulkheadFullError, BulkheadTimeoutError } from './errors.js';
import {
  validateKnownKeys,
  validateName,
  validateOptionsObject,
  validateSignal,
  validateTimeout,
} from './internal/validate.js';
import { isBulkhead } from './is-bulkhead.js';
import type { PolicyResult } from './policy-result.js';
import { getBulkheadRegistry } from './registry.js';
import type { GetOrCreateOptions } from './registry-contract.js';

/** Options of `BulkheadPolicy`. */
export interface BulkheadPolicyOptions {
  /** Milliseconds to wait for a permit (omitted: fail fast); thread pools use it as the run timeout. */
  timeout?: number;
}

const POLICY_OPTION_KEYS = ['timeout'] as const;
const POLICY_EXECUTE_OPTION_KEYS = ['signal'] as const;
const FACTORY_OPTION_KEYS = [
  'maxConcurrent',
  'maxQueue',
  'type',
  'queueOrder',
  'onQueueFull',
  'timeout',
] as const;

/**
 * Runs functions in a bulkhead and reports the verdict as a `PolicyResult`: rejections
 * (`rejected`) and timeouts (`timeout`) are absorbed, business errors propagate unchanged.
 * @throws {TypeError | RangeError} at construction for an invalid bulkhead (a `KeyedBulkhead` itself included: use
 * its `forKey(key)` view), an invalid timeout or an unknown option.
 */
export class BulkheadPolicy {
  readonly bulkhead: Bulkhead;
  readonly #executeOptions: ExecuteOptions;

  constructor(bulkhead: Bulkhead, options: BulkheadPolicyOptions = {}) {
    if (!isBulkhead(bulkhead)) {
      throw new TypeError('bulkhead must implement the Bulkhead contract');
    }
    refuseKeyedBulkhead('bulkhead', bulkhead);
    validateOptionsObject('options', options);
    validateKnownKeys(options, POLICY_OPTION_KEYS);
    this.bulkhead = bulkhead;
    this.#executeOptions =
      options.timeout === undefined ? {} : { timeout: validateTimeout('timeout', options.timeout) };
  }

  /** Policy name (`bulkhead:<name>`). */
  get name(): string {
    return `bulkhead:${this.bulkhead.name}`;
  }

  /** Name of the protected compartment. */
  get bulkheadName(): string {
    return this.bulkhead.name;
  }

  /**
   * Runs `fn` in the bulkhead. Resolves to `success`, `rejected` or `timeout`.
   * @throws whatever `fn` throws (business errors are not absorbed); {TypeError} (rejection) for invalid or
   * unknown options.
   */
  async execute<T>(
    fn: ProtectedFunction<T>,
    options: { signal?: AbortSignal } = {},
  ): Promise<PolicyResult<T>> {
    validateOptionsObject('options', options);
    validateKnownKeys(options, POLICY_EXECUTE_OPTION_KEYS);
    if (options.signal !== undefined) validateSignal('signal', options.signal);
    const executeOptions: ExecuteOptions =
      options.signal === undefined
        ? this.#executeOptions
        : { ...this.#executeOptions, signal: options.signal };
    try {
      const value = await this.bulkhead.execute(fn, executeOptions);
      return { outcome: 'success', value, policyName: this.name };
    } catch (error) {
      if (isRejection(error)) return { outcome: 'rejected', error, policyName: this.name };
      if (BulkheadTimeoutError.isInstance(error)) return { outcome: 'timeout', error, policyName: this.name };
      throw error;
    }
  }
}

/**
 * Refuses a `KeyedBulkhead` itself (it has `forKey()`) where calls carry no key (policies, the decorator, the
 * HTTP guard): every call would be a `TypeError`. Its per-key views are accepted.
 * @throws {TypeError} naming `parameter`, the bulkhead and the view to use instead.
 */
export function refuseKeyedBulkhead(parameter: string, bulkhead: Bulkhead): void {
  if (bulkhead.type === 'keyed' && typeof (bulkhead as { forKey?: unknown }).forKey === 'function') {
    throw new TypeError(
      `${parameter} '${bulkhead.name}' is a KeyedBulkhead: each call needs a key; protect a key's view, forKey(key), instead`,
    );
  }
}

/** True for the errors a bulkhead uses to refuse a call (full, queue timeout, closed). */
export function isRejection(error: unknown): error is BulkheadFullError | BulkheadClosedError {
  return BulkheadFullError.isInstance(error) || BulkheadClosedError.isInstance(error);
}

/** Options of `bulkheadPolicy()`: how to create the compartment if it does not exist yet, plus the policy timeout. */
export interface BulkheadPolicyFactoryOptions extends GetOrCreateOptions, BulkheadPolicyOptions {}

/**
 * Gets or creates the named bulkhead in the process-wide registry and returns a policy on it,
 * so every policy of one name shares one compartment.
 * @throws {TypeError | RangeError} for an invalid name, invalid options or an unknown option.
 */
export function bulkheadPolicy(name: string, options: BulkheadPolicyFactoryOptions = {}): BulkheadPolicy {
  validateName('name', name);
  validateOptionsObject('options', options);
  validateKnownKeys(options, FACTORY_OPTION_KEYS);
  const { timeout, ...createOptions } = options;
  // Validate before getOrCreate so invalid options never leave a compartment behind in the registry.
  const policyOptions = timeout === undefined ? {} : { timeout: validateTimeout('timeout', timeout) };
  const bulkhead = getBulkheadRegistry().getOrCreate(name, createOptions);
  return new BulkheadPolicy(bulkhead, policyOptions);
}
