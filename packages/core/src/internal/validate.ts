/** Throws a TypeError/RangeError naming `option` unless `value` is an integer >= `minimum`. */
export function validateInteger(option: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`options.${option} must be a number, got ${describe(value)}`);
  }
  if (!Number.isInteger(value)) {
    throw new RangeError(`options.${option} must be an integer, got ${value}`);
  }
  if (value < minimum) {
    throw new RangeError(`options.${option} must be >= ${minimum}, got ${value}`);
  }
  return value;
}

/** Like `validateInteger` but also admits `Infinity` (meaning "no bound"). */
export function validateIntegerOrInfinity(option: string, value: unknown, minimum: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  return validateInteger(option, value, minimum);
}

/** Throws unless `value` is a finite number >= 0 or `Infinity` (a timeout in ms). */
export function validateTimeout(option: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`options.${option} must be a number of milliseconds, got ${describe(value)}`);
  }
  if (value < 0) {
    throw new RangeError(`options.${option} must be >= 0, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is an AbortSignal. */
export function validateSignal(option: string, value: unknown): AbortSignal {
  if (!(value instanceof AbortSignal)) {
    throw new TypeError(`options.${option} must be an AbortSignal, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is a boolean. */
export function validateBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`options.${option} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is a non-empty string. */
export function validateName(parameter: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`${parameter} must be a string, got ${describe(value)}`);
  }
  if (value.length === 0) {
    throw new RangeError(`${parameter} must not be empty`);
  }
  return value;
}

/** Throws unless `value` is a plain options object or undefined. */
export function validateOptionsObject(parameter: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`${parameter} must be an object, got ${describe(value)}`);
  }
}

/** Short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (typeof value === 'function') return 'function';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Throws a TypeError naming the first key of `options` that is not in `known`, with the closest valid
 * name when one is near (`options.maxConcurent is not a known option; did you mean maxConcurrent?`).
 * `parameter` is the name used in the message (default `options`).
 */
export function validateKnownKeys(options: object, known: readonly string[], parameter = 'options'): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    const hint =
      suggestion === undefined ? ` (known options: ${known.join(', ')})` : `; did you mean ${suggestion}?`;
    throw new TypeError(`${parameter}.${key} is not a known option${hint}`);
  }
}

/** Throws unless `value` is a function; `parameter` is named in full (e.g. `fn`, `options.fallback`). */
export function validateFunction<T extends (...args: never[]) => unknown>(
  parameter: string,
  value: unknown,
): T {
  if (typeof value !== 'function') {
    throw new TypeError(`${parameter} must be a function, got ${describe(value)}`);
  }
  return value as T;
}

/** Throws unless `value` is a logger with `info` and `warn` methods (the `EntitlementLogger` shape). */
export function validateLogger(parameter: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${parameter} must be a logger object, got ${describe(value)}`);
  }
  for (const method of ['info', 'warn'] as const) {
    if (typeof (value as Record<string, unknown>)[method] !== 'function') {
      throw new TypeError(`${parameter}.${method} must be a function`);
    }
  }
}

/** The candidate within edit distance max(2, a third of its length) of `name`, case-insensitively. */
function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * `value` when it is one of `choices`, the first choice when undefined.
 * @throws {TypeError} naming `option` and the choices otherwise.
 */
export function validateChoice<Choice extends string>(
  option: string,
  value: unknown,
  choices: readonly Choice[],
): Choice {
  if (value === undefined) return choices[0]!;
  if (!choices.includes(value as Choice)) {
    throw new TypeError(`options.${option} must be one of ${choices.join(', ')}, got ${describe(value)}`);
  }
  return value as Choice;
}
