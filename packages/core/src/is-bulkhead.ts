import type { Bulkhead } from './bulkhead.js';

const CONTRACT_METHODS = ['acquire', 'execute', 'wrap', 'getState', 'on'] as const;

/**
 * True when `value` implements the `Bulkhead` contract (checked structurally, so bulkheads from another
 * installed copy of core or another package pass): a string `name` and `type`, and every contract method.
 */
export function isBulkhead(value: unknown): value is Bulkhead {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.name !== 'string' || typeof candidate.type !== 'string') return false;
  for (const method of CONTRACT_METHODS) if (typeof candidate[method] !== 'function') return false;
  return true;
}
