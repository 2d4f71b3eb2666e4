import { describeValue, validateKnownKeys, validateOptionsObject } from '@x/bulkhead-core/extension';

/**
 * Throws unless `value` is an options object whose keys are all in `known` (core's shared checks).
 * @throws {TypeError} naming the parameter, or the unknown key and the closest valid name.
 */
export function validateOptions(value: unknown, known: readonly string[]): asserts value is object {
  if (value === undefined) throw new TypeError(`options must be an object, got ${describeValue(value)}`);
  validateOptionsObject('options', value);
  validateKnownKeys(value as object, known);
}

/**
 * Validates histogram bucket bounds: a non-empty list of finite numbers > 0, strictly ascending.
 * @throws {TypeError | RangeError} naming `option`.
 */
export function validateBuckets(option: string, value: unknown): Float64Array {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(
      `options.${option} must be a non-empty array of numbers, got ${describeValue(value)}`,
    );
  }
  const bounds = new Float64Array(value.length);
  for (let index = 0; index < value.length; index++) {
    const bound: unknown = value[index];
    if (typeof bound !== 'number') {
      throw new TypeError(`options.${option}[${index}] must be a number, got ${describeValue(bound)}`);
    }
    if (!Number.isFinite(bound) || bound <= 0) {
      throw new RangeError(`options.${option}[${index}] must be a finite number > 0, got ${bound}`);
    }
    if (index > 0 && bound <= (bounds[index - 1] as number)) {
      throw new RangeError(
        `options.${option} must be strictly ascending; ${bound} follows ${bounds[index - 1]}`,
      );
    }
    bounds[index] = bound;
  }
  return bounds;
}

/**
 * Validates a record of constant labels/attributes: string keys matching `pattern`, string values.
 * @throws {TypeError | RangeError} naming `option`.
 */
export function validateStringRecord(
  option: string,
  value: unknown,
  options: { pattern: RegExp; reserved: readonly string[] },
): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`options.${option} must be an object of string values, got ${describeValue(value)}`);
  }
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!options.pattern.test(key) || options.reserved.includes(key)) {
      throw new RangeError(
        `options.${option} has an invalid or reserved name '${key}' (reserved: ${options.reserved.join(', ')})`,
      );
    }
    if (typeof entry !== 'string') {
      throw new TypeError(`options.${option}.${key} must be a string, got ${describeValue(entry)}`);
    }
    result[key] = entry;
  }
  return Object.freeze(result);
}
