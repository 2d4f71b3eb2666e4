import type { AttributeValue, Span } from '@opentelemetry/api';
import { safeString } from '../internal/safe-string.js';

/** A mutable record a traced callback fills; its entries become span attributes when the span ends. */
export type SpanData = Record<string, unknown>;

function isPrimitiveAttribute(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function toAttributeValue(value: unknown): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (isPrimitiveAttribute(value)) return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  if (Array.isArray(value) && value.every((item) => typeof item === 'number')) return value as number[];
  if (Array.isArray(value) && value.every((item) => typeof item === 'boolean')) return value as boolean[];
  if (typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value) ?? safeString(value);
  } catch {
    return safeString(value);
  }
}

/** Copies `spanData` onto `span`: primitives and homogeneous arrays as they are, other values as JSON. */
export function attachSpanData(span: Span, spanData: SpanData): void {
  for (const [key, value] of Object.entries(spanData)) {
    const attribute = toAttributeValue(value);
    if (attribute !== undefined) span.setAttribute(key, attribute);
  }
}
